//! "1+10" in chat: `/hogiadinh` (a cadre's households; `/hogiadinh them NAME` adds one), `/ho CODE`
//! or `/ho VILLAGE, ADDRESS` (a resident joins theirs, after saying yes), and the remind and visit
//! buttons. The engine checks that the household is the cadre's own.

use super::signup::yes_or_no;
use super::{Effect, State, Turn};
use crate::domain::household::{MAX_NAME_CHARS, parse_place};
use crate::domain::payload::{Command, Confirm, HouseholdAction, Payload};
use crate::domain::text::fold;
use crate::message::{InboundKind, Msg};

/// What a household effect asks.
#[derive(Debug, Clone, PartialEq)]
pub enum HouseholdEffect {
    List,
    Add(String),
    /// A code typed: ask whether to join.
    Ask(String),
    Join(String),
    /// The resident said yes to the household at this place in their unit (made if none is).
    JoinPlace {
        village: String,
        address: String,
    },
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
        // A place is a village group and an address with a comma between, and words in it;
        // anything else is a code, so a mistyped code ("99999999x") is told it is wrong rather
        // than taken for a place.
        Command::JoinHousehold(args) if args.contains(',') => {
            match parse_place(args).filter(|_| args.chars().any(char::is_alphabetic)) {
                Some((village, address)) => {
                    turn.out.state = State::JoinPlace { village, address };
                    turn.prompt();
                }
                None => turn.say(Msg::new("household-join-usage")),
            }
            return true;
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

/// The answer to "join the household at this place?": yes or no, typed or pressed.
pub(super) fn place_step(
    turn: &mut Turn,
    village: &str,
    address: &str,
    input: &InboundKind,
    pressed: Option<&Payload>,
) {
    match yes_or_no(input, pressed, Confirm::Place) {
        Some(true) => turn.done(Effect::Household(HouseholdEffect::JoinPlace {
            village: village.to_owned(),
            address: address.to_owned(),
        })),
        Some(false) => {
            turn.out.state = State::Idle;
            turn.say(Msg::new("household-join-declined"));
        }
        None => turn.unexpected(input),
    }
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
