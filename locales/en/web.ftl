# The committee dashboard (web pages for staff at desks).

web-nav-overview = Overview
web-nav-notices = Notices
web-nav-surveys = Surveys
web-nav-activities = Models & activities
web-nav-reports = Quarterly report
web-nav-units = Units
web-nav-invites = Invitations
web-nav-tickets = Residents' tickets
web-sign-out = Sign out
web-sign-in-title = Sign in
web-sign-in-name = Login name
web-sign-in-password = Password
web-sign-in-button = Sign in
web-sign-in-wrong = Wrong login name or password.
web-sign-in-slow-down = Too many attempts. Please wait a minute and try again.
web-sign-in-one-time-lapsed = This one-time password has lapsed (it works for { $days } days). Ask your administrator for a new one.
web-password-title = Change password
web-password-first = This is your first sign-in: choose your own password to replace the one-time password.
web-password-current = Current password
web-password-new = New password
web-password-repeat = New password again
web-password-button = Save password
web-password-too-short = A password needs at least { $min } characters.
web-password-mismatch = The two passwords differ.
web-password-unchanged = The new password must differ from the one-time password.
web-password-wrong-current = The current password is not right.
web-overview-title = Overview
web-overview-notices = Recent notices
web-overview-surveys = Open surveys
web-overview-models = Models by sector
web-overview-residents = Residents by unit and channel
web-none-yet = None yet.
web-none-open = No survey is open.
web-unit = Unit
web-total = Total
web-all = All
web-show = Show
web-quarter = Quarter
web-sector = Sector
web-state = { $state ->
    [draft] Draft
    [scheduled] Scheduled
    [sending] Sending
    [held] Held until 07:00 (quiet hours)
    [sent] Sent
    [cancelled] Cancelled
    [open] Open
    [closed] Closed
   *[other] { $state }
}
web-notice-new = New notice
web-notice-title = Title
web-notice-body = Text
web-notice-markup = You can use **bold**, *italics*, [links](https://…) and lines starting with “- ” for lists.
web-notice-directive = Directive (number, date), if any
web-notice-unit = Send to (the unit and all units below it)
web-notice-units-hint = Choose one or several.
web-notice-roles = Audience
web-notice-roles-none = None ticked: everyone.
web-role-residents = Residents
web-role-cadres = Cadres
web-role-admins = Admins
web-role-cadre = Cadre
web-role-admin = Admin
web-notice-send-at = Send at
web-notice-send-at-hint = Day/month/year hour:minute, Vietnam time, e.g. 15/4/2026 08:00. Empty: now (at night, it waits until 7 am).
web-notice-urgent = Urgent: send at night too
web-notice-preview = Preview
web-notice-send = Send notice
web-notice-preview-title = What residents will receive
web-notice-preview-marked = On Telegram and the web chat
web-notice-preview-plain = On Zalo
web-notice-recipients = Recipients
web-notice-past = That time has passed: choose a time to come, or leave it empty to send now.
web-notice-bad-time = The send time cannot be read.
web-notice-state = State
web-notice-live = updating
web-notice-reasons = Why some were not sent
web-notice-cancel = Stop sending this notice
web-notice-questions = Residents' questions
web-notice-questions-all = See them all in the ticket queue
web-reach-targeted = Recipients
web-reach-sent = Sent
web-reach-pending = Waiting
web-reach-failed = Failed
web-reach-undeliverable = Not deliverable now
web-reach-blocked = Blocked
web-reach-delivered = Delivered
web-reach-read = Read
web-reach-questions = Questions
web-survey-title = Survey
web-survey-responses = Responses
web-survey-invited = Invited
web-survey-waiting = { $count ->
    [one] One anonymous response is
   *[other] { $count } anonymous responses are
} not counted yet: anonymous responses are stored in batches ({ $batch } at a time, or after { $minutes } minutes) so that nobody can tell who answered.
web-survey-closes = Closes
web-survey-new = New survey
web-survey-new-hint = Upload a TOML file like the one for “danvan survey create”. The survey is created as a draft; press “Open the survey” to invite residents.
web-survey-file = Survey file (.toml)
web-survey-upload = Upload
web-survey-form-link = Or write a survey on this site
web-survey-form-title = Write a survey
web-survey-name = Survey title
web-survey-intro = Invitation
web-survey-anonymous = Anonymous (answers are not tied to the person)
web-survey-sensitive = Has sensitive questions (a separate consent before the first question)
web-survey-open-days = Open for how many days
web-survey-days = The days a survey stays open must be a number from 1 to 366.
web-survey-form-hint = Fill in the questions in order; blank ones are left out. For single and multiple choice questions, each line is one option (at most 10).
web-survey-question = Question
web-survey-question-text = Question text
web-survey-question-kind = Kind of answer
web-survey-question-options = Options (one per line)
web-survey-question-optional = Optional (with a “Skip” button)
web-survey-form-create = Create the survey (draft)
web-survey-kind-single = Pick one
web-survey-kind-multiple = Pick several
web-survey-kind-yes-no = Yes / No
web-survey-kind-rating = Rating 1–5
web-survey-kind-number = A number
web-survey-kind-text = Free text
web-survey-file-unreadable = The file cannot be read: choose a UTF-8 text file under 256 KB.
web-survey-file-wrong = The survey file has a mistake: { $error }
web-survey-unit-out-of-scope = The survey goes to unit { $code }, outside the units you manage.
web-survey-open = Open the survey
web-survey-close = Close the survey
web-survey-per-unit = By unit
web-survey-comments = { $count ->
    [one] One written answer
   *[other] { $count } written answers
}
web-download-responses = Download the responses (CSV)
web-report-title = Quarterly report
web-report-open = Open the quarterly report
web-download-models = Download the models (CSV)
web-download-activities = Download the activities (CSV)
web-activities-title = Models and activities
web-models = Models
web-activities = Activities
web-model-name = Model
web-started = Started
web-activity-title = Activity
web-held-on = Date
web-participants = Participants
web-photos = Photos
web-photo-of = Photo of
web-units-residents-here = Residents
web-units-none-below = No units below this one.
web-units-code = Code
web-units-kind = Kind
web-units-below = Units below
web-units-residents = Residents
web-units-import = Import the official unit list (after mergers and renamings)
web-import-title = Import the unit list
web-import-upload = Upload a list
web-import-help = A CSV file in the official list's layout (columns code, name, name_en, division_type, parent_code); the national list may be uploaded whole: only the units of your province are imported. The changes are listed for you to review before anything is imported.
web-import-file = List file (CSV)
web-import-retire = Retire units that are no longer in the list
web-import-preview = Show the changes
web-import-apply = Import these changes
web-import-no-file = No file chosen, or it is not UTF-8 text (at most 4 MB).
web-import-unreadable = The list cannot be read: { $reason }
web-import-stale = The units changed elsewhere in the meantime. These are the changes worked out again; review them, then import.
web-import-plan = The file would add { $added } units and change { $changed } fields; { $missing } units are not in it; { $outside } units outside the province are left alone. Nothing has changed yet.
web-import-done = Imported: { $added } units added, { $changed } fields changed; { $missing } units were not in the file; { $outside } units outside the province were left alone.
web-import-added = New units
web-import-changed = Changed fields
web-import-missing = Not in the file
web-import-parent = Under
web-import-change = Change
# A changed field of a unit: name, name_en (English name), division_type, parent_code.
web-import-field = { $field ->
    [name] Name
    [name_en] English name
    [division_type] Kind
    [parent_code] Code of the unit above
   *[other] { $field }
}: { $old } → { $new }
web-import-retired = retired (their data kept)
web-import-kept = kept
web-invite-role = Role
web-invite-uses = Uses
web-invite-days = Valid for (days)
web-invite-button = Make an invitation code
web-invite-made = { $role ->
    [admin] Admin
   *[other] Cadre
} invitation for { $unit }, { $uses ->
    [one] one use
   *[other] { $uses } uses
}, valid until { $until }.
web-invite-send = The invitee sends the bot:
web-invite-limits = An invitation is valid for 1 to { $days } days and 1 to { $uses } uses.
web-channel = { $channel ->
    [telegram] Telegram
    [zalo_oa] Zalo OA
    [zalo_bot] Zalo Bot
    [web] Web chat
    [shell] Shell
   *[other] { $channel }
}
# Residents' tickets (phản ánh, kiến nghị). Status, kind and move names are the chat's ticket-* ids.
web-tickets-title = Residents' questions, reports and suggestions
web-tickets-count = { $total } tickets; { $overdue } overdue.
web-tickets-back = Back to the tickets
web-ticket-open = Not yet answered
web-ticket-status = Status
web-ticket-category = Category
web-ticket-kind = Kind
web-ticket-code = Code
web-ticket-text = Text
web-ticket-search = Search (words, or a code such as PA-0012)
web-ticket-none = No tickets.
web-ticket-urgent = Urgent
web-ticket-overdue = Overdue
web-ticket-received = Received
web-ticket-accept-due = To be accepted by
web-ticket-accepted-at = accepted
web-ticket-answer-due = To be answered by
web-ticket-answered-at = answered
web-ticket-from = From
web-ticket-sender = { $who ->
    [anonymous] Anonymous
    [erased] The sender erased their data
   *[other] Resident #{ $who }
}
web-ticket-location = Location
web-ticket-map = See on the map (OpenStreetMap)
web-ticket-photo-of = Photo sent with
web-ticket-answer = Answer
web-ticket-rating-label = Resident's rating
web-ticket-rating = { $rating ->
    [satisfied] Satisfied
    [unsatisfied] Not satisfied
   *[other] Not rated
}
web-ticket-actions = Handle it
# The words a move needs: its code is a ticket-move-* id's ending.
web-ticket-move-text = { $move ->
    [answer] Answer to the resident
    [ask_more] What the resident should add
    [transfer] Why it is transferred
    [reject] Why it is rejected
    [reopen] Why it is reopened
   *[other] Note
}
web-ticket-transfer-unit = Transfer to unit (unit code)
web-ticket-done = Done: { $move }.
web-ticket-history = History
web-ticket-when = When
web-ticket-event-label = What
web-ticket-who = Who
web-ticket-words = Words
# What the resident (or the system) did; staff moves are named by their ticket-move-* ids.
web-ticket-event = { $action ->
    [received] Sent by the resident
    [info] The resident added information
    [comment] The resident commented
    [rated_satisfied] The resident is satisfied with the answer
    [rated_unsatisfied] The resident is not satisfied with the answer
    [reopened_by_resident] Reopened by the resident
   *[other] { $action }
}
# Who acted: the resident, a staff member in chat (person id), a dashboard login, the command line.
web-ticket-actor = { $kind ->
    [resident] Resident
    [person] Staff in chat #{ $who }
    [login] { $who } (dashboard)
    [cli] Command line
   *[other] { $kind }{ $who }
}
web-page = Page { $page } of { $pages }
web-page-previous = Previous page
web-page-next = Next page

demo-persona = { $role ->
    [admin] Admin
    [cadre] Cadre
   *[other] Resident
} · { $unit }
web-overview-tickets = Residents' questions and reports
web-tickets-received = Received
web-tickets-accepted-on-time = Accepted on time
web-tickets-answered = Answered
web-tickets-answered-on-time = Answered on time
web-tickets-overdue = Overdue
web-tickets-satisfied = Satisfied
web-ticket-open-queue = Open the ticket queue

web-nav-consultations = Draft consultations
web-consult-parts = Parts
web-consult-new = New consultation
web-consult-new-hint = Paste the draft as Markdown (see examples/consultation.md): the front matter between two +++ lines gives the units asked and the period; “# ” is the draft's title, “## ” begins each part, lines beginning with “>” are the text in force.
web-consult-text = The draft's text
web-consult-create = Create the draft
web-consult-open = Open it and send the invitation
web-consult-close = End the consultation
web-consult-close-confirm = I understand: once it ends, residents can no longer answer or change their answers.
web-consult-opened = Opened; the invitation is being sent.
web-consult-closed = The consultation has ended.
web-consult-meeting-added = The meeting's opinions are entered.
web-consult-public-page = Public page of the whole draft
web-consult-download = Download figures (CSV)
web-consult-per-part = Per part
web-consult-part = Part
web-consult-comments = Written comments
web-consult-at-meetings = Meetings (agree / disagree / other)
web-consult-people = People
web-consult-groups = By age group and occupation
web-consult-groups-hint = Only those who agreed to give their age group and occupation; groups of fewer than 5 people are not shown, so that nobody can be recognised.
web-consult-group = Group
web-consult-opinions = Opinions
web-consult-meetings = Opinions at meetings
web-consult-meetings-hint = Opinions gathered at meetings are kept per part, apart from those given in chat, never added to them.
web-consult-held-on = Held on
web-consult-place = Place
web-consult-attendance = Attending
web-consult-summary = Summary of what was said
web-consult-add-meeting = Enter the meeting's opinions
web-draft-how = Comment until { $closes } in the chat app where you receive notices (Zalo, Telegram…): tap “📝 Comment on the draft”, or send /gopy.

# Documents a committee files (Word), laid out as Decree 30/2020 has it.
doc-nation = SOCIALIST REPUBLIC OF VIET NAM
doc-motto = Independence - Freedom - Happiness
doc-place-date = { $place }, { $day }/{ $month }/{ $year }
doc-report = REPORT
doc-report-subject = “Skilled Mass Mobilization” models, { $quarter }
doc-consult-choice = { $choice ->
    [agree] Agree
    [disagree] Disagree
   *[other] Other opinion
}
doc-consult-share = { $count } ({ $share }%)
doc-consult-at-meetings = { $choice } (meetings)
doc-survey-subject = Results of the survey “{ $title }”
web-download-report = Download the report (Word)
web-download-survey = Download the results (Word)
web-download-consultation = Download the results report (Word)
web-print = Print
web-report-heading = Report for { $quarter } · { $unit }
web-quarter-name = Q{ $number }/{ $year }
web-chart-picture = Download the chart (PNG)
web-notice-held = will be sent at { $time } (quiet hours at night)
web-notice-cancel-confirm = Stop sending this notice? Those who have not received it will not.
web-survey-remind-unfinished = Remind those who started and did not finish
web-survey-remind-not-started = Remind those invited who never started
web-survey-close-confirm = Close the survey? Residents will no longer be able to answer.
web-survey-done = { $done ->
    [opened] The survey is open: { $count } people invited.
    [closed] The survey is closed.
    [unfinished] Reminded { $count } people who started and did not finish (each is reminded once).
    [not_started] Reminded { $count } people invited who never started (each is reminded once).
   *[other] { $done }
}
web-notice-unit-search = Find a unit (diacritics optional)
web-notice-goes-to = Goes to
web-activities-search = Find (unit, title)
web-sort = Sort
web-sort-newest = Newest first
web-sort-unit = By unit
web-sort-participants = Most participants first
web-product = “Skilled Mass Mobilization” dashboard
web-not-found-title = Page not found (404)
web-not-found = This page does not exist, was deleted, or is outside the units you oversee.
web-not-found-back = Back to the overview
