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
