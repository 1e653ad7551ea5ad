## "Dân vận khéo 1+10": a cadre's households, residents joining them, staff assigning them, the commune's coverage.

households = 🏠 The households you accompany ({ $count }{ $over ->
        [yes]  — more than the model’s { $usual }
       *[no] {""}
    }):
    { $lines }
households-line = • { $name } — { $members } people (join code: { $code })
    { $status }
households-notice = Notice “{ $title }”: { $done }/{ $of } have read it
households-survey = Survey “{ $title }”: { $done }/{ $of } have answered
households-consultation = Draft “{ $title }”: { $done }/{ $of } have answered
households-none = You accompany no household yet. Send “/hogiadinh them Household name” to add one, then give its members the code.
households-usage = Usage: /hogiadinh (your households), /hogiadinh them Household name (add one).
households-added = { $name } added. Its members send /ho { $code } to join (with their consent).
households-remind = 🔔 Remind { $name }
households-visit = ✅ Log a visit to { $name }
households-reminded = A reminder went to { $count } people of { $name }.
households-reminded-today = { $name } was reminded of this today already; each item at most once a day.
households-nothing-to-remind = Everyone in { $name } has read and answered; nothing to remind.
households-visit-logged = The visit to { $name } is logged (model “Dân vận khéo 1+10”).
household-visit-title = Visit to household { $name } (Dân vận khéo 1+10)
household-reminder-notice = 👋 The cadre who accompanies your household reminds you: you have not read the notice “{ $title }”.
household-reminder-consultation = 👋 The cadre who accompanies your household reminds you: the draft “{ $title }” is open for comments; your view is welcome.
household-reminder-survey = 👋 The cadre who accompanies your household reminds you: the survey “{ $title }” is waiting for your answers.
household-open-notice = 📢 Read the notice
household-open-survey = 📋 Answer the survey
household-join-ask = Join { $name }? The cadre who accompanies it will see whether you have read notices and answered consultations (never what you answered), and may remind you. You can leave with /forget.
household-join-yes = Yes, join
household-join-no = No
household-join-declined = You did not join this household.
household-joined = You have joined { $name }.
household-code-wrong = No household has this code. Please ask the cadre again.
household-join-usage = Usage: /ho CODE (the code the cadre gave you), or /ho village group, address (for example: /ho Xóm 3, số 12 ngõ 4).
household-place-ask = Join the household at { $address }, { $village }? The cadre who accompanies it will see whether you have read notices and answered consultations (never what you answered), and may remind you. You can leave with /forget.
household-place-name = Household at { $address }, { $village }
household-not-found = No household with this code in the units you manage.
household-not-staff = This person is not a cadre of a unit you manage.
household-assigned = { $name } is now accompanied by cadre no. { $cadre }, who accompanies { $count } { $count ->
        [one] household
       *[other] households
    }{ $over ->
        [yes] {" "}— more than the { $usual } of the 1+10 model
       *[no] {""}
    }.
household-unassigned = { $name } has no cadre any more.

## The dashboard's page.
web-nav-households = 1+10 households
web-households-title = “Dân vận khéo 1+10”: cadres accompanying households
web-households-coverage = Coverage
web-households-households = Households
web-households-with-cadre = Households with a cadre
web-households-accompanied = Residents with a cadre
web-households-cadres = Cadres accompanying households
web-households-cadres-over = Cadres with more than { $usual } households
web-households-over = more than { $usual }
web-households-unreached = Households no notice reached in 30 days
web-households-visits = Household visits by month
web-households-assign = Assign a household to a cadre
web-households-assign-button = Assign
web-households-add = Add a household
web-households-add-button = Add
web-households-add-invalid = A household needs a name (at most { $max } characters); give both the village group and the address, or neither.
web-households-added = { $name } added. Its members send the bot: /ho { $code }
web-households-code = Household code
web-households-name = Name
web-households-village = Village group
web-households-address = Address
web-households-place = Where
web-households-members = Members
web-households-cadre = Cadre
web-households-cadre-number = Cadre no.
web-households-no-cadre = none
web-households-list = Households (those without a cadre first)
web-households-role = Role
web-households-chat = Reached through
web-households-choice = { $role } · { $unit } · { $chat } (accompanies { $households } { $households ->
    [one] household
   *[other] households
})
web-masked-chat = { $channel } …{ $tail }
web-households-history = Assignment history
web-households-when = When
web-households-change = Change
web-households-by = By
web-households-given = Given to cadre no. { $cadre }
web-households-given-erased = Given to a cadre (erased since)
web-households-taken = Left without a cadre
web-households-by-login = Login { $login }
web-households-by-person = Cadre no. { $person } (in chat)
web-households-by-erased = Someone erased since
web-households-by-cli = Command line
web-households-open = See the households and assign them to cadres
