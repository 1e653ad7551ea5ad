# Surveys: answering in chat, and results.

survey-invitation = 📋 { $title }
    { $intro }
    { $questions } questions, open until { $time } on { $closes }.
survey-join-button = Take part
survey-later-button = Later
survey-continue-button = Continue
survey-reminder = You have not finished the survey “{ $title }”. It is open until { $time } on { $closes }; tap to continue where you stopped.
survey-reminder-new = The survey “{ $title }” is waiting for your answers. It is open until { $time } on { $closes }; tap to start.
survey-later = Fine. When you have time, type /surveys to answer.
survey-intro = 📋 { $title }
    { $intro }
survey-consent = The survey “{ $title }” asks for your views on policy and law: under the Personal Data Protection Law (Law 91/2025/QH15) this is sensitive data. Your answers are used only to sum up opinions. Do you agree to answer?
survey-consent-yes = I agree
survey-consent-no = I do not agree
survey-refused = Understood; no answers were kept. Thank you.
survey-question = Question { $number }/{ $total }. { $text }
    { $hint }
survey-hint-buttons = (Tap a button)
survey-hint-multiple = (Pick one or more, then tap “Done”)
survey-hint-number = (Type a number { $range })
survey-hint-text = (Type your answer, at most { $max } characters)
survey-option = { $label }
survey-tick = { $ticked ->
        [yes] ✅ { $label }
       *[no] ▫️ { $label }
    }
survey-done-button = Done
survey-yes = Yes
survey-no = No
survey-back-button = ← Back
survey-skip-button = Skip
survey-complete = You have answered every question.
survey-old-button = That button belongs to another question. Please answer the current one:
survey-required = This question needs an answer.
survey-number-invalid = Not quite: type a whole number { $range }.
survey-range = { $bounds ->
        [both] from { $min } to { $max }
        [min] of { $min } or more
        [max] up to { $max }
       *[none] of any size
    }
survey-tick-something = Pick at least one, then tap “Done”.
survey-thanks = Thank you for answering the survey “{ $title }”. Your answers were recorded:
    { $answers }
survey-already = You have already answered the survey “{ $title }” (once per person). Your answers:
    { $answers }
    Thank you!
survey-answer-line = • { $question } — { $answer }
survey-choices = { $choices }
survey-number = { $value }
survey-skipped = (skipped)
survey-closed = The survey “{ $title }” has ended or is not open yet.
survey-closed-midway = The survey “{ $title }” ended before you finished, so the unfinished answers do not count. Thank you for your interest.
surveys = Open surveys:
    { $surveys }
surveys-item = • { $title }{ $answered ->
        [yes] {" "}— answered
       *[no] {""}
    }
surveys-none = There are no surveys for you right now.

results-usage = Usage: /results SURVEY_NUMBER, e.g. /results 3
survey-decimal = { $sign }{ $whole }.{ $tenth }
results = Results of the survey “{ $title }”, { $scope }: { $responded } responded / { $invited } invited ({ $percent }%).
    { $questions }
    By unit:
    { $units }
results-question = { $question } ({ $answered } answered)
    { $details }
results-count = • { $label }: { $count } ({ $percent }%)
results-numbers = • Lowest { $low }, highest { $high }, mean { $mean }
results-text = • “{ $text }”
results-unit = • { $unit }: { $responded }/{ $invited } ({ $percent }%)
results-units-rest = • { $units ->
        [one] { $units } other unit
       *[other] { $units } other units
    }: { $responded }/{ $invited } ({ $percent }%)
results-chart = { $question } ({ $answered } answered)
survey-refused-missing = There is no such survey.
survey-refused-opened = The survey has been opened, so its questions cannot change; create a new version to replace it.
survey-refused-not-draft = Only a draft survey can be opened; this one is { $state ->
        [open] open
       *[closed] closed
    }.
survey-refused-closing-passed = The survey closes at { $closes }, which has passed: change its closing time, then open it again.
survey-refused-not-open = The survey is not open.
survey-file-toml = { $line ->
        [0] the file is not written as a survey (TOML), or a field is missing or unknown.
       *[other] line { $line } is not written as a survey (TOML), or a field is missing or unknown.
    }
survey-file-empty = “{ $field }” must not be empty.
survey-file-too-long = “{ $field }” is too long.
survey-file-id = the id “{ $id }” cannot be used: question and option ids are lowercase letters, digits or _, at most 16, all different.
survey-file-question = question “{ $question }”: { $fault ->
        [options] single and multiple choice questions have options, the others none.
        [too-many-options] at most { $options } options.
        [min-max-kind] only number questions have a minimum and maximum.
        [min-above-max] the minimum is above the maximum.
        [max-length-kind] only free-text questions have a maximum length.
       *[max-length-range] the maximum length is 1 to { $length } characters.
    }
survey-file-show-if = question “{ $question }”: the condition for showing it must name an earlier choice question and its options.
survey-file-times = times are written “YYYY-MM-DD HH:MM” (Vietnam time), a survey closes after it opens, and the days it stays open (1 to 366) are given only when no closing time is.
survey-file-language = there is no language “{ $code }” (only vi, en).
survey-file-questions = a survey has 1 to { $max } questions.
survey-file-target-languages = a survey goes to people in every language (its texts fall back to Vietnamese): leave out target.languages.
