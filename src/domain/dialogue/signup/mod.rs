//! Signing up and looking after oneself: the language, consent, finding one's place (by name,
//! former name or a shared location) and confirming it, and `/start`, `/unit`, `/lang`,
//! `/mydata`, `/forget`, `/stop`.

use super::{Effect, Search, State, Turn, Via, role_name};
use crate::domain::access::Grant;
use crate::domain::former::FormerName;
use crate::domain::payload::{Command, Confirm, Payload};
use crate::domain::text::fold;
use crate::domain::unit_directory::{Found, Hit, UnitDirectory};
use crate::domain::unit_label::{unit_label, unit_label_by_id};
use crate::domain::units::Unit;
use crate::message::{Button, InboundKind, Lang, Msg, Reply};

mod my_data;
pub use my_data::{PersonData, my_data};

/// Version of the consent text in `locales/*/signup.ftl`; stored with each consent.
pub const CONSENT_VERSION: &str = "2026-01";
/// Longest place name worth searching for.
const MAX_PLACE_QUERY_CHARS: usize = 100;

/// An answer while signing up, choosing a place, or confirming `/forget`.
pub(super) fn step(turn: &mut Turn, state: &State, input: &InboundKind, pressed: Option<&Payload>) {
    match (state, input) {
        (State::New, _) => turn.greet(),
        (State::ChooseLanguage, _) => match language_choice(input, pressed) {
            Some(lang) => turn.language_chosen(lang),
            None => turn.unexpected(input),
        },
        (State::Consent, _) => match yes_or_no(input, pressed, Confirm::Consent) {
            Some(true) => {
                turn.out.effects.push(Effect::Register);
                turn.say(Msg::new("consent-thanks"));
                turn.ask_unit();
            }
            Some(false) => {
                turn.out.effects.push(Effect::Decline);
                turn.out.state = State::New;
                turn.say(Msg::new("consent-declined"));
            }
            None => turn.unexpected(input),
        },
        (State::ConfirmUnit { code, search, .. }, _)
            if yes_or_no(input, pressed, Confirm::Unit).is_some() =>
        {
            match (yes_or_no(input, pressed, Confirm::Unit), search) {
                (Some(true), _) => turn.unit_chosen(code),
                // "No" to a place found by name: the other places of that name.
                (_, Some(search)) => turn.look_up(search.passing(std::slice::from_ref(code))),
                (_, None) => turn.ask_unit(),
            }
        }
        // Changing one's commune can be given up at any step; signing up cannot skip it.
        (
            State::AskUnit { .. }
            | State::PickUnit { .. }
            | State::ConfirmUnit { .. }
            | State::AskWhere { .. },
            _,
        ) if (pressed == Some(&Payload::UnitKeep) || typed_keep(input)) && turn.has_unit() => {
            turn.out.state = State::Idle;
            turn.menu(Msg::new("unit-kept"));
        }
        (State::AskWhere { search }, InboundKind::Text(text)) => turn.search_where(search, text),
        (
            State::AskUnit { .. } | State::PickUnit { .. } | State::ConfirmUnit { .. },
            InboundKind::Text(text),
        ) => turn.search_unit(text, earlier_search(state)),
        (
            State::AskUnit { .. }
            | State::PickUnit { .. }
            | State::ConfirmUnit { .. }
            | State::AskWhere { .. },
            InboundKind::Location {
                latitude,
                longitude,
            },
        ) => turn.locate_unit(*latitude, *longitude),
        (State::PickUnit { codes, search }, InboundKind::Button(_)) => match pressed {
            Some(Payload::UnitRetry) => {
                turn.out.state = State::AskUnit {
                    search: search.as_ref().map(|s| s.passing(codes)),
                };
                turn.prompt();
            }
            Some(Payload::Unit(code)) if codes.iter().any(|c| c == code) => turn.unit_chosen(code),
            _ => turn.unexpected(input),
        },
        (State::ConfirmForget, _) => match yes_or_no(input, pressed, Confirm::Forget) {
            Some(true) => {
                turn.out.effects.push(Effect::Erase);
                turn.out.state = State::New;
                turn.say(Msg::new("forget-done"));
            }
            Some(false) => {
                turn.out.state = State::Idle;
                turn.say(Msg::new("forget-cancelled"));
            }
            None => turn.unexpected(input),
        },
        _ => turn.unexpected(input),
    }
}

/// The keep button's words typed, as Telegram's share-location keyboard sends its keys, with or
/// without diacritics, in either language.
fn typed_keep(input: &InboundKind) -> bool {
    let InboundKind::Text(text) = input else {
        return false;
    };
    matches!(
        crate::domain::text::fold(text).as_str(),
        "giu xa phuong hien tai" | "keep my current commune"
    )
}

/// `/start` (signed up), `/unit`, `/mydata`, `/forget`, `/stop`; false for any other command.
pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    match command {
        Command::Start => {
            turn.out.effects.push(Effect::SetSubscribed(true));
            turn.out.state = State::Idle;
            turn.menu(Msg::new("welcome-back"));
        }
        Command::Unit => turn.ask_unit(),
        Command::MyData => turn.done(Effect::ShowMyData),
        Command::Forget => {
            turn.out.state = State::ConfirmForget;
            turn.prompt();
        }
        Command::Stop => {
            turn.out.effects.push(Effect::SetSubscribed(false));
            turn.out.state = State::Idle;
            turn.say(Msg::new("stopped"));
        }
        _ => return false,
    }
    true
}

impl Turn<'_> {
    pub(super) fn greet(&mut self) {
        self.out.state = State::ChooseLanguage;
        self.prompt();
    }

    fn language_chosen(&mut self, lang: Lang) {
        self.out.lang = lang;
        if self.chat.person.is_some() {
            self.out.state = State::Idle;
            self.menu(Msg::new("language-changed"));
        } else {
            self.out.state = State::Consent;
            self.prompt();
        }
    }

    fn ask_unit(&mut self) {
        self.out.state = State::AskUnit { search: None };
        self.prompt();
    }

    /// A place name typed; the same name typed again (however written) moves on past the places
    /// already offered for it.
    fn search_unit(&mut self, text: &str, earlier: Option<Search>) {
        if text.chars().count() > MAX_PLACE_QUERY_CHARS {
            self.say(Msg::new("unit-query-too-long"));
            return self.ask_unit();
        }
        let query = text.trim();
        let passed = earlier
            .filter(|s| self.units.same_name(&s.query, query))
            .map(|s| s.passed)
            .unwrap_or_default();
        self.look_up(Search {
            passed,
            ..Search::new(query)
        });
    }

    /// Where the name asked about is ("hưng yên", or the new commune): the places of that name
    /// there. What names no such place, or none with that name but is one itself, is a new name
    /// to look for.
    fn search_where(&mut self, search: &Search, text: &str) {
        let units = self.units;
        let found = (text.chars().count() <= MAX_PLACE_QUERY_CHARS)
            .then(|| units.find_within(&search.query, &search.passed, text))
            .flatten();
        match found {
            Some((Found::Nothing, _))
                if !matches!(units.find(text), Found::One(_) | Found::Several(_)) =>
            {
                self.say(
                    Msg::new("unit-none-where")
                        .text("query", &search.query)
                        .text("place", text.trim()),
                );
                self.prompt();
            }
            Some((found, query)) if found != Found::Nothing => self.present(
                found,
                Search {
                    query,
                    passed: search.passed.clone(),
                },
            ),
            _ => self.search_unit(text, Some(search.clone())),
        }
    }

    fn look_up(&mut self, search: Search) {
        let units = self.units;
        self.present(units.find_except(&search.query, &search.passed), search);
    }

    /// What a name found: one place to confirm, several to pick from, or a question about where
    /// it is. After a place was turned down, these are the other places of that name.
    fn present(&mut self, found: Found, search: Search) {
        let again = !search.passed.is_empty();
        let query = search.query.clone();
        match found {
            Found::One(hit) => {
                self.out.state = State::ConfirmUnit {
                    code: hit.unit.code.clone(),
                    via: Via::of(&hit),
                    search: Some(search),
                };
                self.prompt();
            }
            Found::Several(hits) => match split_former(self.units, &hits).filter(|_| !again) {
                Some(former) => {
                    let body = Msg::new("unit-former-split").msg("former", former_label(former));
                    let options = hits.iter().map(|h| h.unit).collect::<Vec<_>>();
                    self.offer(body, self.unit_options(&options), Some(search));
                }
                None => self.offer(
                    Msg::new(if again { "unit-others" } else { "unit-several" })
                        .text("query", query),
                    self.hit_options(&hits),
                    Some(search),
                ),
            },
            Found::Suggestions(hits) => self.offer(
                Msg::new("unit-suggestions").text("query", query),
                self.hit_options(&hits),
                Some(search),
            ),
            Found::Widespread(count) => {
                self.out.state = State::AskWhere { search };
                self.say(
                    Msg::new("unit-widespread")
                        .number("count", count as i64)
                        .text("query", query),
                );
            }
            Found::Nothing if again => {
                self.out.state = State::AskUnit {
                    search: Some(search),
                };
                self.say(Msg::new("unit-no-others").text("query", query));
            }
            Found::Nothing => {
                self.out.state = State::AskUnit { search: None };
                self.say(Msg::new("unit-none").text("query", query));
            }
        }
    }

    /// The location is only looked up, never kept: it is not in the state or in any effect.
    fn locate_unit(&mut self, latitude: f64, longitude: f64) {
        match self.units.locate(latitude, longitude).as_slice() {
            [] => {
                self.out.state = State::AskUnit { search: None };
                self.say(Msg::new("unit-location-unknown"));
            }
            [unit] => {
                self.out.state = State::ConfirmUnit {
                    code: unit.code.clone(),
                    via: Via::Location,
                    search: None,
                };
                self.prompt();
            }
            several => self.offer(
                Msg::new("unit-location-border"),
                self.unit_options(several),
                None,
            ),
        }
    }

    /// Offers places as buttons, with one to search again; the state remembers which were offered,
    /// and for which search.
    fn offer(&mut self, body: Msg, options: Vec<(String, Msg)>, search: Option<Search>) {
        self.out.state = State::PickUnit {
            codes: options.iter().map(|(code, _)| code.clone()).collect(),
            search,
        };
        let buttons = options
            .into_iter()
            .map(|(code, label)| Button::new(label, Payload::Unit(&code)));
        let retry = Button::new(Msg::new("unit-retry-button"), Payload::UnitRetry);
        self.out
            .replies
            .push(Reply::new(body).rows(buttons.chain([retry])));
    }

    fn unit_options(&self, units: &[&Unit]) -> Vec<(String, Msg)> {
        units
            .iter()
            .map(|u| (u.code.clone(), self.unit_label(u)))
            .collect()
    }

    /// Places found by name; one found through its former name says which.
    fn hit_options(&self, hits: &[Hit]) -> Vec<(String, Msg)> {
        hits.iter()
            .map(|h| {
                let label = match h.former {
                    Some(former) => Msg::new("unit-via-former")
                        .msg("unit", self.unit_label(h.unit))
                        .msg("former", former_label(former)),
                    None => self.unit_label(h.unit),
                };
                (h.unit.code.clone(), label)
            })
            .collect()
    }

    fn unit_chosen(&mut self, code: &str) {
        let Some(unit) = self.units.by_code(code).filter(|u| self.units.is_place(u)) else {
            self.say(Msg::new("button-expired"));
            return self.ask_unit();
        };
        let had_unit = self.chat.person.and_then(|p| p.unit_id).is_some();
        self.out.effects.push(Effect::SetUnit(unit.id));
        self.out.state = State::Idle;
        let body = Msg::new(if had_unit {
            "unit-changed"
        } else {
            "signup-done"
        })
        .msg("unit", self.unit_label(unit));
        self.menu(body);
    }

    fn unit_label(&self, unit: &Unit) -> Msg {
        unit_label(self.units, unit)
    }

    pub(super) fn ask_language(&mut self) {
        let reply = Reply::new(Msg::new(if self.chat.person.is_some() {
            "language-ask"
        } else {
            "greeting"
        }))
        .row(vec![
            Button::new(Msg::new("language-vi"), Payload::Lang(Lang::Vi)),
            Button::new(Msg::new("language-en"), Payload::Lang(Lang::En)),
        ]);
        self.out.replies.push(reply);
    }

    pub(super) fn ask_consent(&mut self) {
        let reply = Reply::new(Msg::new("consent").text("version", CONSENT_VERSION)).row(vec![
            Button::new(
                Msg::new("consent-yes-button"),
                Payload::Confirm(Confirm::Consent, true),
            ),
            Button::new(
                Msg::new("consent-no-button"),
                Payload::Confirm(Confirm::Consent, false),
            ),
        ]);
        self.out.replies.push(reply);
    }

    pub(super) fn ask_place(&mut self) {
        let mut reply = match self.units.has_boundaries() {
            true => Reply::new(Msg::new("unit-ask-or-share"))
                .ask_location(Msg::new("unit-share-location-button")),
            false => Reply::new(Msg::new("unit-ask")),
        };
        if self.has_unit() {
            reply = reply.row(vec![Button::new(
                Msg::new("unit-keep-button"),
                Payload::UnitKeep,
            )]);
        }
        self.out.replies.push(reply);
    }

    /// Whether the person already has a commune (so asking for one is a change they may drop).
    fn has_unit(&self) -> bool {
        self.chat
            .person
            .as_ref()
            .is_some_and(|p| p.unit_id.is_some())
    }

    /// The places offered before, still in the directory.
    pub(super) fn offer_again(&mut self, codes: &[String], search: Option<&Search>) {
        let found: Vec<&Unit> = codes.iter().filter_map(|c| self.units.by_code(c)).collect();
        self.offer(
            Msg::new("unit-pick"),
            self.unit_options(&found),
            search.cloned(),
        );
    }

    /// Asks again where the name looked for is.
    pub(super) fn ask_where(&mut self, search: &Search) {
        self.say(Msg::new("unit-ask-where").text("query", &search.query));
    }

    pub(super) fn confirm_place(&mut self, code: &str, via: &Via) {
        let Some(unit) = self.units.by_code(code) else {
            return self.ask_unit();
        };
        let reply = Reply::new(match via {
            Via::Name => Msg::new("unit-confirm").msg("unit", self.unit_label(unit)),
            Via::Former { name, district } => Msg::new("unit-confirm-former")
                .msg("former", former_name_label(name, district.as_deref()))
                .msg("unit", self.unit_label(unit)),
            Via::Location => Msg::new("unit-confirm-location").msg("unit", self.unit_label(unit)),
        })
        .row(vec![
            Button::new(
                Msg::new("yes-button"),
                Payload::Confirm(Confirm::Unit, true),
            ),
            Button::new(
                Msg::new("unit-no-button"),
                Payload::Confirm(Confirm::Unit, false),
            ),
        ]);
        self.out.replies.push(reply);
    }

    pub(super) fn confirm_forget(&mut self) {
        let reply = Reply::new(Msg::new("forget-confirm")).row(vec![
            Button::new(
                Msg::new("forget-yes-button"),
                Payload::Confirm(Confirm::Forget, true),
            ),
            Button::new(
                Msg::new("cancel-button"),
                Payload::Confirm(Confirm::Forget, false),
            ),
        ]);
        self.out.replies.push(reply);
    }
}

/// The search a place name typed now continues: the places offered or asked about so far count
/// as turned down.
fn earlier_search(state: &State) -> Option<Search> {
    match state {
        State::AskUnit { search } => search.clone(),
        State::PickUnit { codes, search } => search.as_ref().map(|s| s.passing(codes)),
        State::ConfirmUnit { code, search, .. } => search
            .as_ref()
            .map(|s| s.passing(std::slice::from_ref(code))),
        State::AskWhere { search } => Some(search.clone()),
        _ => None,
    }
}

/// "Xã Đông Kinh (cũ)", with the district when the name needs one to be told apart.
fn former_label(former: &FormerName) -> Msg {
    former_name_label(&former.name, former.district.as_deref())
}

fn former_name_label(name: &str, district: Option<&str>) -> Msg {
    match district {
        Some(district) => Msg::new("former-name-in")
            .text("name", name)
            .text("district", district),
        None => Msg::new("former-name").text("name", name),
    }
}

/// The former unit these places were all formed from, when they are the parts of one unit split
/// in the merger (not namesakes in different provinces).
fn split_former<'a>(units: &UnitDirectory, hits: &[Hit<'a>]) -> Option<&'a FormerName> {
    let first = hits.first()?;
    let former = first.former?;
    let province = units.province_of(first.unit).id;
    let same = hits.iter().all(|h| {
        h.former
            .is_some_and(|f| f.name == former.name && f.district == former.district)
            && units.province_of(h.unit).id == province
    });
    let split = hits.iter().any(|h| h.former.is_some_and(|f| f.partial));
    (same && split).then_some(former)
}

fn language_choice(input: &InboundKind, pressed: Option<&Payload>) -> Option<Lang> {
    match input {
        InboundKind::Button(_) => match pressed {
            Some(Payload::Lang(lang)) => Some(*lang),
            _ => None,
        },
        InboundKind::Text(t) => match fold(t).as_str() {
            "tieng viet" | "viet" | "vi" | "vietnamese" => Some(Lang::Vi),
            "english" | "en" | "tieng anh" | "anh" => Some(Lang::En),
            _ => None,
        },
        _ => None,
    }
}

/// A yes/no answer to `asked`: its buttons, or the same typed in either language.
pub(super) fn yes_or_no(
    input: &InboundKind,
    pressed: Option<&Payload>,
    asked: Confirm,
) -> Option<bool> {
    match input {
        InboundKind::Button(_) => match pressed {
            Some(Payload::Confirm(about, yes)) if *about == asked => Some(*yes),
            _ => None,
        },
        InboundKind::Text(t) => match fold(t).as_str() {
            "dong y" | "toi dong y" | "co" | "dung" | "yes" | "y" | "ok" | "agree" => Some(true),
            "khong" | "khong dong y" | "k" | "ko" | "no" | "n" | "decline" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "language-vi",
        Lang::En => "language-en",
    }
}

#[cfg(test)]
mod tests;
