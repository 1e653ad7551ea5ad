# danvan — English. Must carry every id and variable of locales/vi.

# The data controller: a deployment edits this line.
-controller = the Mass Mobilization Committee of Hưng Yên Province

greeting = Hello! This is the outreach channel of { -controller }: get notices, answer surveys and send your views right in your chat app.
    Which language would you like?
language-ask = Which language would you like?
language-vi = Tiếng Việt
language-en = English
start-hint = Send /start to begin.

consent = Before we go on, please agree to our processing of your personal data under the Law on Personal Data Protection (Law No. 91/2025/QH15).
    • Data: your chat account, language, the commune or ward you live in, and the answers you send.
    • Purpose: to send notices from the Party committee and authorities to the right area, and to gather residents' views.
    • Data controller: { -controller }. Never sold or shared with third parties.
    • Your rights: see your data (/mydata), correct it (/unit, /lang), stop notices (/stop), withdraw consent and erase your data (/forget) at any time.
    Sensitive questions (such as political views) will ask for separate consent.
    (Consent text version { $version })
consent-yes-button = I agree
consent-no-button = I don't agree
consent-thanks = Thank you for agreeing.
consent-declined = You did not agree. We keep nothing about you except the fact that you declined. If you change your mind, send /start.

unit-keep-button = ↩️ Keep my current commune
unit-kept = Your commune stays as it was.
unit-ask = Which commune or ward do you live in? Type its name (the name before the 2025 merger works too), e.g. Tiên Lữ
unit-several = Several places are called “{ $query }”. Which is yours?
unit-suggestions = No place called “{ $query }”. Did you mean:
unit-none = No commune or ward looks like “{ $query }”. Please type the name again, perhaps with the province, for example: Tiên Lữ, Hưng Yên
unit-ask-or-share = Which commune or ward do you live in? Type its name (the name before the 2025 merger works too), e.g. Tiên Lữ — or tap “Share location”.
unit-share-location-button = 📍 Share location
unit-confirm-former = { $former } is now part of { $unit } — is that right?
unit-confirm-location = The location you shared is in { $unit } — is that right?
unit-former-split = { $former } is now split between several communes/wards. Where you live is now in:
unit-via-former = { $unit } ({ $former })
unit-location-unknown = We could not tell the commune or ward from this location. Please type its name, e.g. Tiên Lữ
unit-location-border = The location you shared is on the border between communes/wards. Where do you live?
former-name = { $name } (former)
former-name-in = { $name } (former, { $district })
unit-others = Other places called “{ $query }”, former names before the merger included:
unit-widespread = { $count } places are called “{ $query }”, former names before the merger included. Where is yours? Type the province (e.g. Hưng Yên), the new commune or ward, or the former district.
unit-ask-where = Where is your “{ $query }”? Type the province (e.g. Hưng Yên), the new commune or ward, or the former district.
unit-none-where = No place called “{ $query }” is in “{ $place }”.
unit-no-others = No other place is called “{ $query }”. Type the name with its province or its new commune or ward, e.g. Minh Khai, Hưng Hà
unit-pick = Please choose your commune or ward:
unit-retry-button = Type another name
unit-confirm = { $unit } — is that right?
yes-button = Yes
unit-no-button = No, search again
unit-query-too-long = That name is too long. Just type the commune or ward.
unit-name = { $name }
unit-in-province = { $name }, { $province }
signup-done = Done! You are registered in { $unit }. Local notices and surveys will reach you here.
unit-changed = Moved to { $unit }.

menu = What would you like to do?
menu-mydata = My data
menu-unit = Change commune
menu-lang = Language
menu-help = Help
menu-link = 🔗 Link Zalo/Telegram
help = Commands:
    /unit — change your commune or ward
    /lang — change language
    /notices — read recent notices again
    /surveys — open surveys
    /gopy — drafts open for comment
    /phananh — the questions and reports you sent (just type what you want to tell the commune)
    /mydata — see what we store about you
    /stop — stop notices, /start — receive them again
    /forget — erase your data
    /join CODE — take a cadre role with an invitation code
    /link — link your other chat app (Zalo, Telegram): one sign-up for both
    /ho CODE — join your household with the code a cadre gave you
help-cadre = Cadre commands:
    /log — log an activity, /model — register a model, /models — model status, /mylogs — your logs
    /report — quarterly report, /hogiadinh — the households you accompany (1+10)
help-admin = Admin commands:
    /notice — write a notice, /status NUMBER — its delivery, /results NUMBER — survey results, /invite — invite cadres
help-signup = You are signing up. Answer the question below, or send /start to begin again.
welcome-back = Welcome back! You will receive notices again.
language-changed = Switched to English.
stopped = You will no longer receive notices. Send /start to receive them again.

button-expired = This button has expired.
attachment-not-expected = We don't need a photo or location right now.
use-buttons = Please choose one of the buttons below.
unknown-text = Sorry, I didn't understand. Choose an item below or send /help.
unknown-command = There is no command { $command }. Send /help to see the commands.
need-signup = Please finish signing up first.
not-allowed = You are not allowed to do that.
text-too-long = That message is too long (at most { $max } characters).

forget-confirm = Erase all your personal data? This cannot be undone. Totals that cannot identify you are kept.
forget-yes-button = Erase my data
cancel-button = Cancel
forget-done = Your data has been erased. Send /start if you want to sign up again.
forget-cancelled = Cancelled; your data is unchanged.

mydata = What we store about you:
    • Language: { $language }
    • Commune or ward: { $unit }
    • Consent to data processing: { $consented } (text version { $consent_version })
    • Receiving notices: { $subscribed ->
        [yes] yes
       *[no] no
    }
    • Roles: { $roles }
    • Reached through: { $channels }
    • Signed up: { $created }
    • Notices received: { $notices }
    • Questions and comments sent: { $questions }
    • Surveys: { $responses } named responses, { $consents } consents to sensitive questions, { $unfinished } surveys answered halfway (anonymous responses are not linked to you)
    • Consultations on drafts: { $opinions } opinions ({ $comments } with a comment), { $profiles } times giving your age group and occupation
    • Household (1+10 model): { $household }{ $accompanies ->
        [0] {""}
        [one] ; you accompany { $accompanies } household
       *[other] ; you accompany { $accompanies } households
    }
    • Household assignments (1+10): { $assigned_to } of households to you, { $assigned_by } made by you
mydata-channel = { $channel ->
        [telegram] Telegram (chat id { $address })
        [zalo_bot] Zalo (user id { $address })
        [zalo_oa] Zalo OA (follower id { $address })
        [web] the web chat (this browser)
        [shell] the command line ({ $address })
       *[other] { $channel } ({ $address })
    }
mydata-no-unit = not chosen yet
mydata-household = { $name } (joined with your consent on { $joined })
mydata-no-household = none
mydata-no-roles = resident
mydata-no-questions = none
quoted = “{ $text }”
role-in-unit = { $role } — { $unit }
role-cadre = cadre
role-admin = administrator

join-usage = Please add the invitation code, for example: /join ABCD-EFGH
join-ok = You now have the role { $role } in { $unit }.
join-unknown = That invitation code is not valid. Please check it.
join-expired = That invitation code has expired. Please ask whoever sent it.
join-used-up = That invitation code has been used up.
invite-usage = Usage: /invite cadre|admin [unit code]
invite-created = Invitation for { $role } in { $unit }: { $code }
    Single use, expires { $expires }. The recipient sends: /join { $code }

link-code = Your link code: { $code }
    Open our channel in your other chat app (Zalo, Telegram…) and send this code there before { $until } (it works for { $minutes } minutes, once). Both chats will then share one sign-up.
link-too-many = You have asked for { $max } link codes in the past hour. Please try again later.
link-how = To share your sign-up with another chat app: send /link in the chat where you signed up, then send the code you get here.
link-usage = A link code has 9 digits, for example: /link 480 213 795
link-wrong = That link code is not right. Please check it, or send /link in your other chat for a new one.
link-expired = That link code has expired or has been used. Send /link in your other chat for a new one.
link-same-chat = Send this code from your other chat app, not here.
link-already = These two chats are linked already.
link-tries = Too many wrong codes. Please try again in an hour.
link-guessing = Many wrong link codes have been sent lately, so linking is paused to keep accounts safe. Please try again in 10 minutes.
link-joined = Linked! This chat now shares your sign-up in { $unit }: notices, surveys and /mydata are one for both chats.
link-merged = Linked! Your two sign-ups are now one. We kept { $unit } and { $language } from the newer one; the roles, questions and survey answers of both are together.
missed-notices = { $count ->
        [one] You have a new notice:
       *[other] You have { $count } new notices:
    }

notice = 📢 { $title }
    { $body }
    { $details }
notice-directive = Document: { $directive }
notice-issuer = Issued by: { $issuer }
notice-link = More: { $link }
notice-read-button = ✅ Read
notice-ask-button = ❓ Ask / comment
notice-read-thanks = Thank you for reading the notice.
notice-ask-prompt = Type your question or comment about this notice. The cadre in charge will answer you.
notices-list = Recent notices (tap one to read it again):
notices-none = No notice has been sent to you yet.
notice-item = { $title }

answer-prompt = Type your answer. The person who asked gets it in their chat app.
compose-required = This cannot be left empty.
compose-title = New notice (1/5). What is the title?
compose-body = (2/5) What does it say? You can use **bold**, *italic*, [links](https://…), and lines starting with “- ” for lists.
compose-directive = (3/5) The document's number and date, e.g. Nghị quyết số 60-NQ/TW ngày 12/4/2025 của Ban Chấp hành Trung ương. None? Tap “Skip”.
compose-skip-button = Skip
compose-unit = (4/5) Where does it go? Choose a unit, or type the name of a commune or ward within your scope.
compose-unit-unknown = No unit called “{ $query }”.
compose-unit-out-of-scope = { $unit } is outside your scope.
compose-unit-required = Choose at least one unit to send it to.
compose-send-at = (5/5) When? Tap “Send now”, or type a date and time, e.g. 15/12/2026 08:00. Nothing is sent between 21:00 and 07:00.
compose-now-button = Send now
compose-send-at-invalid = That time is not clear. Type it like: 15/12/2026 08:00
compose-preview = Preview — residents will receive this:
compose-when-now = now
compose-when-at = at { $time }
compose-confirm = Send to { $unit } ({ $recipients } people receiving notices), { $when }?
compose-confirm-short = Send this notice?
compose-send-button = Send
compose-cancelled = Draft discarded.
compose-created = Notice { $id } is scheduled for { $time }. Follow its delivery: /status { $id }
status-usage = Usage: /status NOTICE_NUMBER
notice-status = Notice { $id } ({ $state ->
        [draft] draft
        [scheduled] scheduled
        [sending] sending
        [held] held until 07:00
        [sent] sent
       *[cancelled] cancelled
    }):
    { $lines }
status-total = Total
status-line = { $unit }: sent { $sent }/{ $targeted }, waiting { $pending }, failed { $failed }, blocked the bot { $blocked }, read { $read }, questions { $questions }
status-others = { $units ->
        [one] { $units } other unit
       *[other] { $units } other units
    }

log-usage = Log an activity in one message: sector | activity name | people | date, for example:
    { $example }
    Sectors: kt (economy), vhxh (culture and society), qpan (defence and security), htct (building the political system). Date: today, yesterday, 12/4 or 12/4/2025 (empty means today).
    Optional: note: …, beneficiaries: 120. With /model: description: …, lead: Farmers' Union.
log-saved = Logged “{ $title }” — { $sector }, on { $date }, { $participants } people, in { $unit }. See, edit, delete: /mylogs
log-error-no-sector = The sector is missing (kt, vhxh, qpan or htct). For example: { $example }
log-error-two-sectors = One sector per activity, please. For example: { $example }
log-error-no-title = The activity's name is missing. For example: { $example }
log-error-two-titles = Which is the activity's name: “{ $a }” or “{ $b }”? Separate the fields with |, for example: { $example }
log-error-title-too-long = The name is too long (at most { $max } characters). For example: { $example }
log-error-date = The date “{ $text }” is not valid or is in the future. Type: today, yesterday, 12/4, 12/4/2025. For example: { $example }
log-error-participants = The number of people “{ $text }” is not clear. Type: 25 người. For example: { $example }
log-error-beneficiaries = The number of beneficiaries “{ $text }” is not clear. Type: beneficiaries: 120. For example: { $example }
mylogs = Activities you logged recently (✏️ edit, 🗑 delete):
mylogs-none = You have not logged any activity yet. Send /log to see how.
mylogs-delete-button = 🗑
logedit-prompt = Send the corrected activity in the quick form, e.g. { $example }
log-edited = Activity corrected (the old version stays in the change log).
mylogs-edit-button = ✏️ { $title } ({ $date })
log-deleted = Activity deleted (who deleted it, and when, is kept).

report = By the end of { $quarter }, { $scope } had built and maintained { $models } “Skilled Mass Mobilization” models, of which: { $by_sector }.
    Models: { $models_change }. Activities in the quarter: { $activities }, with { $participants } participants.{ $listening }{ $households }
    { $sector_changes }
    { $children }
report-no-models = By the end of { $quarter }, { $scope } had no “Skilled Mass Mobilization” model yet. { $activities ->
        [0] No activity was logged in the quarter.
        [one] Activities in the quarter: 1, with { $participants } participants.
       *[other] Activities in the quarter: { $activities }, with { $participants } participants.
    }{ $listening }{ $households }
    { $children }
report-listening = {" "}Received { $received } questions and reports from residents; answered { $answered } ({ $answered_share }%){ $answered ->
        [0] {""}
       *[other] , { $on_time }% on time
    }{ $overdue ->
        [0] {""}
       *[other] ; { $overdue } overdue
    }{ $rated ->
        [0] {""}
       *[other] ; { $satisfied }% of residents who rated were satisfied
    }.
report-households = {" "}“Dân vận khéo 1+10”: { $cadres } { $cadres ->
        [one] cadre accompanies
       *[other] cadres accompany
    } { $households } { $households ->
        [one] household
       *[other] households
    }{ $over ->
        [0] {""}
       *[other] {" "}({ $over } with more than { $usual })
    }, { $accompanied } { $accompanied ->
        [one] resident has
       *[other] residents have
    } joined; { $visits } household { $visits ->
        [one] visit
       *[other] visits
    } in the quarter.
report-quarter = Q{ $number }/{ $year }
report-sector-models = { $count } in { $sector }
report-change = { $now } ({ $direction ->
        [up] up { $delta }
        [down] down { $delta }
       *[same] unchanged
    } on the previous quarter)
report-sector-changes = { $changed ->
        [0] Models in every sector are unchanged on the previous quarter.
       *[other] On the previous quarter: { $changes }{ $unchanged ->
            [0] .
           *[other] ; the other sectors are unchanged.
        }
    }
report-sector-change = { $sector } { $direction ->
        [up] up
       *[down] down
    } { $delta } { $delta ->
        [one] model
       *[other] models
    }
report-child = • { $unit }: { $models } models, { $activities } activities
report-children-rest = • { $units ->
        [one] { $units } other unit
       *[other] { $units } other units
    }: { $models ->
        [one] { $models } model
       *[other] { $models } models
    }, { $activities ->
        [one] { $activities } activity
       *[other] { $activities } activities
    }
report-scope-province = the whole { $kind ->
        [city] city
       *[province] province
    }
report-scope-unit = { $unit }
report-chart-sectors = “Skilled Mass Mobilization” models by sector, { $scope }, { $quarter }
report-chart-units = “Skilled Mass Mobilization” models by unit, { $scope }, { $quarter }{ $all ->
        [yes] {""}
       *[no] {" "}(the { $shown } of { $units } units with models that have the most)
    }
report-chart-unit = { $unit }
report-usage = Usage: /report [quarter], e.g. /report 1/2025 (empty means this quarter).
log-model-saved = Registered the model “{ $title }” — { $sector }, since { $date }, in { $unit }.

logflow-sector = Log an activity (1/7). Which sector?
    (Once you know it, log in one message, e.g. /log kt | Mô hình nuôi ong | 25 người | 12/4)
sector-name = { $name }
logflow-sector-unknown = There is no sector “{ $text }”. Please choose a button.
logflow-model = (2/7) Which of the unit's models does the activity belong to?
logflow-model-button = { $name }
logflow-new-model-button = Register a new model
logflow-no-model-button = No model
logflow-model-name = (3/7) What is the new model called?
logflow-model-gone = The chosen model is no longer in your unit; nothing was saved. Type /log to start again.
logflow-model-summary = Check before registering the model:
    • Model: { $title }
    • Sector: { $sector }
    • Since: { $date }
models = The unit's models:
    { $models }
    Tap a button to change a status.
models-item = • { $name } — { $status ->
        [active] active
        [maintained] maintained
       *[stopped] stopped
    }
models-status-button = { $name }: { $status ->
        [active] restart
        [maintained] maintained
       *[stopped] stop
    }
models-none = The unit has no models yet. Register one: /model kt | Model name | 12/4
model-status-changed = Model status changed (the change is kept in the log).
logflow-title = (3/7) What is the activity called?
logflow-date = (4/7) Which day? Tap a button, or type a date like 12/4 or 12/4/2025.
logflow-today-button = Today
logflow-yesterday-button = Yesterday
logflow-date-invalid = The date “{ $text }” is not valid or is in the future.
logflow-participants = (5/7) How many people took part? Type a number, e.g. 25
logflow-participants-invalid = “{ $text }” is not a number of people. Type a number, e.g. 25
logflow-photos = (6/7) Send photos of the activity (take or pick several), or tap “Skip”.
logflow-photos-more = { $count } photos received. Send more, or tap “Done”.
logflow-done-button = Done
logflow-location = (7/7) Share where it took place, or tap “Skip”.
logflow-summary = Check before saving:
    • Activity: { $title }
    • Model: { $model }
    • Sector: { $sector }
    • Date: { $date }
    • People: { $participants }
    • Photos: { $photos }
    • Location: { $located ->
        [yes] yes
       *[no] no
    }
logflow-save-button = Save
logflow-cancelled = Cancelled; nothing saved.

shell-intro = danvan shell — chat with the bot in the terminal. Send /start to begin; type a number to press a button; Ctrl-D to quit.
shell-location = Share a location: type @latitude,longitude, e.g. @20.6464,106.0511

## Residents' questions, reports and suggestions (tickets)
menu-write = ✍️ Write to the commune
menu-tickets = 📋 My reports
thanks-reply = You're welcome! Write to us whenever you need.
ticket-ask-text = Type what you want to tell your commune: a question, a report of a local problem or a suggestion. You may add photos and a location.
ticket-ask-kind = You want to send your commune:
    “{ $text }”
    This is:
ticket-kind-question = ❓ A question
ticket-kind-report = ⚠️ A report
ticket-kind-suggestion = 💡 A suggestion
ticket-ask-category = What is the report about?
ticket-category = { $name }
ticket-confirm = Check before sending:
    • Kind: { $kind }{ $category }
    • Text: { $text }
    • Photos: { $photos }
    • Location: { $located ->
        [yes] yes
       *[no] no
    }
    You may add photos (up to 5), a location or more words before you press Send.
ticket-send-button = Send
ticket-send-anonymous-button = Send without my name
ticket-skip-button = Skip
ticket-cancelled = Cancelled, nothing sent.
ticket-photos-full = A report keeps at most { $max } photos.
ticket-created = ✅ Sent to { $unit }, code { $code }. The commune will answer you by { $due }. Send /phananh to follow it.
ticket-code-unknown = “{ $code }” is not a report code (for example PA-0123).
ticket-item = { $code } · { $status } · { $text }
tickets-none = You have not sent any reports yet. Just type what you want to tell your commune.
tickets-mine = Your reports (tap to see one):
tickets-open = Reports waiting: { $count } (overdue: { $overdue }).
ticket-status-received = Received
ticket-status-accepted = In progress
ticket-status-needs_info = More information needed
ticket-status-answered = Answered
ticket-status-closed = Closed
ticket-status-rejected = Not accepted
ticket-details = { $lines }
ticket-head = { $code } · { $kind } · { $status }
ticket-unit-line = Handled by: { $unit }
ticket-text-line = Text: { $text }
ticket-due-line = Answer due: { $due }
ticket-answer-line = Answer: { $answer }
ticket-category-suffix = {" "}({ $name })
ticket-notice-suffix = {" "}about the notice “{ $title }”
ticket-overdue-line = ⏰ OVERDUE
    { $ticket }
ticket-info-button = Add information
ticket-good-button = 👍 Satisfied
ticket-bad-button = 👎 Not satisfied
ticket-reopen-button = Not solved, reopen
ticket-open-button = Open and handle
ticket-move-accept = Accept
ticket-move-ask_more = Ask for more
ticket-move-answer = Answer
ticket-move-transfer = Transfer
ticket-move-reject = Reject
ticket-move-close = Close
ticket-move-reopen = Reopen
ticket-ask-info = Type the information to add.
ticket-ask-comment = Anything to add about the answer? (optional)
ticket-ask-reopen = Why is it not solved? The commune will look at it again.
ticket-ask-what-missing = What should the resident add?
ticket-ask-reject-reason = Why is it not accepted? The resident will get this reason.
ticket-note-cancelled = Cancelled.
ticket-rated = Thank you for rating! Anything to add? (optional)
ticket-rating-thanks = Thank you!
ticket-info-added = Added to { $code }. Thank you!
ticket-reopened = { $code } is open again. The commune will answer you.
ticket-moved = { $code }: { $move } done.
ticket-announced = 📥 New report { $code } ({ $unit })
    { $kind }{ $category }{ $notice }
    “{ $text }”
    To be accepted by { $due }.
ticket-info-for-staff = ➕ The resident added to { $code }: “{ $text }”
ticket-reopened-for-staff = 🔁 The resident reopened { $code }: “{ $text }”
ticket-update-accept = { $code }: { $unit } accepted it and will answer you by { $due }.
ticket-update-ask_more = { $code }: { $unit } needs more from you: “{ $text }”
ticket-update-answer = 💬 { $code }: { $unit } answers you:
    “{ $text }”
    Are you satisfied with the answer?
ticket-update-transfer = { $code } was transferred to { $unit }: “{ $text }”
ticket-update-reject = { $code }: { $unit } did not accept it, because: “{ $text }”
ticket-update-close = { $code } is closed.
ticket-update-reopen = { $code } is open again: “{ $text }”
ticket-too-many = You have sent many reports today that are still waiting. Please wait for the commune's answers before sending more; what you just wrote is kept.
ticket-no-unit = Choose your commune first (/unit) so we know where to send it.
ticket-outside-province = The location you sent is outside your province. Send another location, or press Send to send without one.
ticket-not-found = No such report (or it is not within your units).
ticket-not-now = This report is no longer at that step.
ticket-needs-text = This needs some words.
ticket-too-long = That is too long (at most 2,000 characters).
ticket-bad-unit = It cannot go to that unit (choose another unit of the same province).
unit-list-csv = { $line ->
        [0] the file is not a CSV list.
       *[other] line { $line } cannot be read as CSV.
    }
unit-list-missing-column = the list has no “{ $column }” column.
unit-list-empty-field = line { $line }: code and name must not be empty.
unit-list-duplicate-code = code { $code } appears twice.
unit-list-unknown-parent = unit { $code } names parent { $parent }, which is not in the list.
