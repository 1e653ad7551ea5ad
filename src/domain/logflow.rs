//! A cadre logging an activity step by step with buttons (`/log` alone): sector → model (one of the
//! unit's, a new one, or none) → name → date → participants → photos → location → summary → save.
//! A new model skips from its start date to the summary. Pure: the draft lives in the chat's state.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::activity::{self, Details, MAX_TITLE_CHARS, ModelChoice, NewLog, QuickEntry, Sector};
use super::payload::{LogButton, Payload};
use super::text::fold;
use crate::message::{Button, InboundKind, Msg, Reply};

/// Most photos one activity keeps.
pub const MAX_PHOTOS: usize = 10;
/// Most of the unit's models offered as buttons (the newest).
pub const MODEL_BUTTONS: usize = 8;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogDraft {
    pub step: LogStep,
    pub sector: Option<String>,
    #[serde(default)]
    pub model: Option<ModelPick>,
    pub title: String,
    pub held_on: Option<NaiveDate>,
    pub participants: Option<i32>,
    /// Platform file ids, largest size, in the order sent.
    pub photos: Vec<String>,
    pub location: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogStep {
    #[default]
    Sector,
    Model,
    Title,
    Date,
    Participants,
    Photos,
    Location,
    Confirm,
}

/// The model an activity belongs to, or a new model to register instead of an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelPick {
    Existing { id: i64, name: String },
    New,
}

impl LogDraft {
    fn new_model(&self) -> bool {
        self.model == Some(ModelPick::New)
    }

    /// What to store, once every required step is answered.
    pub fn log(&self) -> Option<NewLog> {
        Some(NewLog {
            entry: QuickEntry {
                sector: self.sector.clone()?,
                title: self.title.clone(),
                held_on: self.held_on?,
                participants: self.participants,
                details: Details::default(),
            },
            model: self.new_model(),
            model_id: match &self.model {
                Some(ModelPick::Existing { id, .. }) => Some(*id),
                _ => None,
            },
            photos: self.photos.clone(),
            location: self.location,
        })
    }
}

/// The question for the draft's step; `models` are the cadre's unit's.
pub fn prompt(draft: &LogDraft, sectors: &[Sector], models: &[ModelChoice]) -> Reply {
    let cancel = Button::new(Msg::new("cancel-button"), Payload::Log(LogButton::Cancel));
    let skip = || {
        Button::new(
            Msg::new("compose-skip-button"),
            Payload::Log(LogButton::Skip),
        )
    };
    match draft.step {
        LogStep::Sector => Reply::new(Msg::new("logflow-sector"))
            .rows(sectors.iter().map(|s| {
                Button::new(
                    Msg::new("sector-name").text("name", &s.name),
                    Payload::Log(LogButton::Sector(&s.code)),
                )
            }))
            .row(vec![cancel]),
        LogStep::Model => Reply::new(Msg::new("logflow-model"))
            .rows(
                models
                    .iter()
                    .filter(|m| Some(&m.sector) == draft.sector.as_ref())
                    .take(MODEL_BUTTONS)
                    .map(|m| {
                        Button::new(
                            Msg::new("logflow-model-button").text("name", &m.name),
                            Payload::Log(LogButton::Model(m.id)),
                        )
                    }),
            )
            .row(vec![
                Button::new(
                    Msg::new("logflow-new-model-button"),
                    Payload::Log(LogButton::NewModel),
                ),
                Button::new(
                    Msg::new("logflow-no-model-button"),
                    Payload::Log(LogButton::NoModel),
                ),
            ])
            .row(vec![cancel]),
        LogStep::Title if draft.new_model() => {
            Reply::new(Msg::new("logflow-model-name")).row(vec![cancel])
        }
        LogStep::Title => Reply::new(Msg::new("logflow-title")).row(vec![cancel]),
        LogStep::Date => Reply::new(Msg::new("logflow-date")).row(vec![
            Button::new(
                Msg::new("logflow-today-button"),
                Payload::Log(LogButton::Today),
            ),
            Button::new(
                Msg::new("logflow-yesterday-button"),
                Payload::Log(LogButton::Yesterday),
            ),
        ]),
        LogStep::Participants => Reply::new(Msg::new("logflow-participants")).row(vec![skip()]),
        LogStep::Photos if draft.photos.is_empty() => {
            Reply::new(Msg::new("logflow-photos")).row(vec![skip()])
        }
        LogStep::Photos => {
            Reply::new(Msg::new("logflow-photos-more").number("count", draft.photos.len() as i64))
                .row(vec![Button::new(
                    Msg::new("logflow-done-button"),
                    Payload::Log(LogButton::Skip),
                )])
        }
        LogStep::Location => Reply::new(Msg::new("logflow-location"))
            .ask_location(Msg::new("unit-share-location-button"))
            .row(vec![skip()]),
        LogStep::Confirm => {
            let sector = draft
                .sector
                .as_deref()
                .and_then(|c| sectors.iter().find(|s| s.code == c))
                .map_or(String::new(), |s| s.name.clone());
            let model = match &draft.model {
                Some(ModelPick::Existing { name, .. }) => name.clone(),
                _ => "-".to_owned(),
            };
            let id = match draft.new_model() {
                true => "logflow-model-summary",
                false => "logflow-summary",
            };
            let mut summary = Msg::new(id)
                .text("model", model)
                .text("title", &draft.title)
                .text("sector", sector)
                .number("photos", draft.photos.len() as i64)
                .text(
                    "located",
                    if draft.location.is_some() {
                        "yes"
                    } else {
                        "no"
                    },
                );
            if let Some(date) = draft.held_on {
                summary = summary.date("date", date);
            }
            summary = match draft.participants {
                Some(n) => summary.number("participants", n as i64),
                None => summary.text("participants", "-"),
            };
            Reply::new(summary).row(vec![
                Button::new(
                    Msg::new("logflow-save-button"),
                    Payload::Log(LogButton::Save),
                ),
                cancel,
            ])
        }
    }
}

/// "Bỏ qua" (or "Skip") typed, with or without its marks.
fn is_skip(text: &str) -> bool {
    matches!(fold(text).as_str(), "bo qua" | "skip")
}

/// Takes the answer to the current step (typed or sent in `input`, or the button `pressed`): the
/// next draft, or what was wrong with it.
pub fn answer(
    draft: &LogDraft,
    input: &InboundKind,
    pressed: Option<LogButton>,
    sectors: &[Sector],
    models: &[ModelChoice],
    today: NaiveDate,
) -> Result<LogDraft, Msg> {
    let mut next = draft.clone();
    let text = match input {
        InboundKind::Text(t) => Some(t.trim()),
        _ => None,
    };
    match (draft.step, pressed, text) {
        (LogStep::Sector, Some(LogButton::Sector(code)), _) => {
            sectors
                .iter()
                .find(|s| s.code == code)
                .ok_or_else(|| Msg::new("button-expired"))?;
            next.sector = Some(code.to_owned());
        }
        (LogStep::Sector, _, Some(t)) => {
            let sector = activity::find_sector(sectors, t)
                .ok_or_else(|| Msg::new("logflow-sector-unknown").text("text", t))?;
            next.sector = Some(sector.code.clone());
        }
        (LogStep::Model, Some(LogButton::NewModel), _) => next.model = Some(ModelPick::New),
        (LogStep::Model, Some(LogButton::NoModel), _) => next.model = None,
        (LogStep::Model, Some(LogButton::Model(id)), _) => {
            let chosen = models
                .iter()
                .find(|m| m.id == id)
                .ok_or_else(|| Msg::new("button-expired"))?;
            next.model = Some(ModelPick::Existing {
                id: chosen.id,
                name: chosen.name.clone(),
            });
        }
        (LogStep::Title, _, Some(t)) if !t.is_empty() => {
            if t.chars().count() > MAX_TITLE_CHARS {
                return Err(Msg::new("text-too-long").number("max", MAX_TITLE_CHARS as i64));
            }
            next.title = t.to_owned();
        }
        (LogStep::Date, Some(LogButton::Today), _) => next.held_on = Some(today),
        (LogStep::Date, Some(LogButton::Yesterday), _) => next.held_on = today.pred_opt(),
        (LogStep::Date, _, Some(t)) => {
            next.held_on = Some(
                activity::parse_date(t, today)
                    .ok_or_else(|| Msg::new("logflow-date-invalid").text("text", t))?,
            );
        }
        (LogStep::Participants, Some(LogButton::Skip), _) => {}
        (LogStep::Participants, _, Some(t)) => {
            let digits: String = fold(t).chars().take_while(char::is_ascii_digit).collect();
            next.participants = Some(
                digits
                    .parse()
                    .map_err(|_| Msg::new("logflow-participants-invalid").text("text", t))?,
            );
        }
        (LogStep::Photos, _, _) if matches!(input, InboundKind::Photo { .. }) => {
            if let InboundKind::Photo { file_id, .. } = input
                && next.photos.len() < MAX_PHOTOS
            {
                next.photos.push(file_id.clone());
            }
            // More photos may follow: the step stays.
            return Ok(next);
        }
        (LogStep::Photos, Some(LogButton::Skip), _) => {}
        (LogStep::Location, _, _) if matches!(input, InboundKind::Location { .. }) => {
            if let InboundKind::Location {
                latitude,
                longitude,
            } = input
            {
                next.location = Some((*latitude, *longitude));
            }
        }
        (LogStep::Location, Some(LogButton::Skip), _) => {}
        // The skip key of a keyboard that also shares the location (Telegram) sends its label.
        (LogStep::Location, _, Some(t)) if is_skip(t) => {}
        _ => return Err(Msg::new("use-buttons")),
    }
    next.step = match draft.step {
        LogStep::Sector => LogStep::Model,
        LogStep::Model => LogStep::Title,
        LogStep::Title => LogStep::Date,
        LogStep::Date if draft.new_model() => LogStep::Confirm,
        LogStep::Date => LogStep::Participants,
        LogStep::Participants => LogStep::Photos,
        LogStep::Photos => LogStep::Location,
        LogStep::Location | LogStep::Confirm => LogStep::Confirm,
    };
    Ok(next)
}
