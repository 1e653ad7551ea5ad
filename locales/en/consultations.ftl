# Consultations on a draft in chat, results, and errors creating or opening one.

consult-open = 📝 Comment on the draft
consult-intro = 📝 Consultation on a draft: { $title }
    { $summary }
    The draft has { $parts } parts. { $answered ->
        [0] Read each part and tap Agree, Disagree or Other opinion; you may add a comment.
       *[other] You have answered { $answered } of { $parts } parts.
    } You can change your answers until { $closes }.
    { $details }
consult-link = The whole draft: { $link }
consult-read = 📖 Read and answer part by part
consult-read-on = 📖 Continue
consult-agree-all = ✅ Agree with the whole draft
consult-mine = 📋 My answers
consult-part = 📄 { $heading } ({ $number }/{ $count })
    { $text }
    { $below }
consult-part-current = Text in force: { $current }
consult-part-mine = Your answer so far: { $opinion }
consult-agree = ✅ Agree
consult-disagree = ❌ Disagree
consult-other = 💬 Other opinion
consult-skip = ⏭ Skip
consult-noted = Noted: { $label } — { $opinion }.
# A part disagreed with, or answered otherwise: noted, and a comment asked for.
consult-noted-ask = { consult-noted }
    { $ask }
consult-ask-comment = What would you say about { $label }? Write it here, or tap Skip.
consult-comment-noted = Your comment on { $label } is noted. Thank you!
consult-agreed-rest = Noted: you agree with the { $count } remaining parts.
consult-finished = 🙏 Thank you for answering { $answered } of { $parts } parts: { $agree } agree, { $disagree } disagree, { $other } other. You can change your answers until { $closes }.
consult-mine-list = Your answers:
    { $lines }
consult-mine-line = • { $label }: { $opinion }
consult-unanswered = not answered
consult-change = Change { $label }
consult-closed = The consultation “{ $title }” is not taking answers (it has ended or not begun).
consult-profile-yes = 👤 Give my age group and occupation
consult-profile-no = No, thank you
consult-ask-age = Optional: age group and occupation are used only to sum up results by group, never published with your name. You can withdraw at any time with /forget. Which age group are you in?
consult-ask-occupation = What is your occupation?
consult-profile-thanks = Thank you! Noted.
consult-profile-declined = That's fine; your answers count in full.
consult-age-u30 = Under 30
consult-age-30-45 = 30–45
consult-age-46-60 = 46–60
consult-age-o60 = Over 60
consult-job-farmer = Farmer
consult-job-worker = Worker
consult-job-official = Civil servant
consult-job-business = Business
consult-job-student = Student
consult-job-retired = Retired
consult-job-other = Other
consult-summary = { $opinions } opinions from { $people } people were gathered: { $agree }% agree, { $disagree }% disagree, { $other }% other opinions.

consult-file-unreadable = The draft's file cannot be read: { $why }
consult-file-empty = “{ $field }” must not be empty.
consult-file-too-long = “{ $field }” is too long (at most { $max } characters).
consult-file-no-parts = The draft has no parts (each begins with “## ”).
consult-file-too-many-parts = The draft has too many parts (at most { $max }).
consult-file-empty-part = Part { $part } has no label or no text.
consult-file-times = Times must read “YYYY-MM-DD HH:MM” (Vietnam time), with only one of closes_at or open_days (1–366 days).
consult-file-no-units = No unit is chosen.
consult-not-found = There is no such consultation, or it is not yours to run.
consult-unknown-unit = There is no unit with code { $code }.
consult-not-draft = This consultation was opened already.
consult-not-open = This consultation is not open.
consult-closing-passed = Its closing time has passed.
consult-bad-meeting = The meeting's figures are not valid: every part must be in the draft, and no part may have more opinions than people present.

consult-results-title = Results of “{ $title }” — { $scope }
consult-results-part = { $label }: { $agree } agree ({ $agree_share }%), { $disagree } disagree ({ $disagree_share }%), { $other } other ({ $other_share }%); { $comments } written comments
consult-results-unit = { $unit }: { $people } people, { $opinions } opinions, { $agree_share }% agree
consult-results-meetings = Opinions at { $meetings } meetings ({ $attendance } attending), counted apart:
consult-results-meeting-part = { $label }: { $agree } agree, { $disagree } disagree, { $other } other
consult-list = Drafts open for residents' comments (tap to read and answer):
consult-none = No draft is open for comments where you live.
