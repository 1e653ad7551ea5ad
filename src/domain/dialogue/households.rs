//! "1+10" in chat: `/hogiadinh` (a cadre's households; `/hogiadinh them NAME` adds one), `/ho CODE`
//! (a resident joins theirs, after saying yes), and the remind and visit buttons. The engine
//! checks that the household is the cadre's own.

use super::{Effect, Turn};
use crate::domain::household::MAX_NAME_CHARS;
use crate::domain::payload::{Command, HouseholdAction, Payload};
use crate::domain::text::fold;
use crate::message::Msg;

/// What a household effect asks.
#[derive(Debug, Clone, PartialEq)]
pub enum HouseholdEffect {
    List,
    Add(String),
    /// A code typed: ask whether to join.
    Ask(String),
    Join(String),
    Remind(i64),
    Visit(i64),
}

pub(super) fn command(turn: &mut Turn, command: Command) -> bool {
    let effect = match command {
        Command::Households(args) => {
            let args = args.trim();
            let (word, name) = args.split_once(' ').unwrap_or((args, ""));
            match fold(word).as_str() {
                "" => HouseholdEffect::List,
                "them" | "add" if name.trim().is_empty() => {
                    turn.say(Msg::new("households-usage"));
                    return true;
                }
                "them" | "add" if name.chars().count() > MAX_NAME_CHARS => {
                    turn.say(Msg::new("text-too-long").number("max", MAX_NAME_CHARS as i64));
                    return true;
                }
                "them" | "add" => HouseholdEffect::Add(name.trim().to_owned()),
                _ => {
                    turn.say(Msg::new("households-usage"));
                    return true;
                }
            }
        }
        Command::JoinHousehold(code) => {
            let code: String = code.chars().filter(char::is_ascii_digit).collect();
            if code.is_empty() {
                turn.say(Msg::new("household-join-usage"));
                return true;
            }
            HouseholdEffect::Ask(code)
        }
        _ => return false,
    };
    turn.done(Effect::Household(effect));
    true
}

/// A household button; false for other buttons.
pub(super) fn pressed(turn: &mut Turn, pressed: &Payload) -> bool {
    let Payload::Household(id, action) = pressed else {
        return false;
    };
    if turn.signed_up() {
        match action {
            HouseholdAction::Remind => turn.done(Effect::Household(HouseholdEffect::Remind(*id))),
            HouseholdAction::Visit => turn.done(Effect::Household(HouseholdEffect::Visit(*id))),
            HouseholdAction::Join(code) => {
                turn.done(Effect::Household(HouseholdEffect::Join((*code).to_owned())))
            }
            HouseholdAction::Decline => turn.say(Msg::new("household-join-declined")),
        }
    }
    true
}
