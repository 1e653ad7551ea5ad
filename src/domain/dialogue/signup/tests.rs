use super::super::testing::{check, check_in, press, resident, run, said};
use super::*;
use crate::domain::payload::Payload;
use crate::domain::unit_directory::fixtures::namesakes;

#[test]
fn each_answer_while_signing_up_leads_to_its_next_question() {
    let me = resident();
    let confirm = |code: &str| State::ConfirmUnit {
        code: code.into(),
        via: Via::Name,
        search: None,
    };
    let found = |code: &str, query: &str| State::ConfirmUnit {
        code: code.into(),
        via: Via::Name,
        search: Some(Search::new(query)),
    };
    let picking = |codes: &[&str]| State::PickUnit {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        search: None,
    };
    let text = |t: &str| InboundKind::Text(t.into());
    #[rustfmt::skip]
    let cases = vec![
        (State::New, None, text("xin chào"), State::ChooseLanguage, vec!["greeting"], vec![]),
        (State::ChooseLanguage, None, press("lang:en"), State::Consent, vec!["consent"], vec![]),
        (State::ChooseLanguage, None, text("tiếng việt"), State::Consent, vec!["consent"], vec![]),
        (State::ChooseLanguage, None, press("lang:fr"), State::ChooseLanguage, vec!["button-expired", "greeting"], vec![]),
        (State::Consent, None, press("consent:yes"), State::AskUnit { search: None }, vec!["consent-thanks", "unit-ask"], vec![Effect::Register]),
        (State::Consent, None, text("không"), State::New, vec!["consent-declined"], vec![Effect::Decline]),
        (State::AskUnit { search: None }, Some(&me), text("tien lu"), found("12364", "tien lu"), vec!["unit-confirm"], vec![]),
        (State::AskUnit { search: None }, Some(&me), text("tien"), State::PickUnit { codes: vec!["12700".into(), "12364".into()], search: Some(Search::new("tien")) }, vec!["unit-several"], vec![]),
        (State::AskUnit { search: None }, Some(&me), text("qwxz"), State::AskUnit { search: None }, vec!["unit-none"], vec![]),
        (State::AskUnit { search: None }, Some(&me), text(&"x".repeat(101)), State::AskUnit { search: None }, vec!["unit-query-too-long", "unit-ask"], vec![]),
        (picking(&["12364"]), Some(&me), press("unit:12364"), State::Idle, vec!["unit-changed"], vec![Effect::SetUnit(11)]),
        (picking(&["12364"]), Some(&me), press("unit:12745"), picking(&["12364"]), vec!["button-expired", "unit-pick"], vec![]),
        (picking(&["12364"]), Some(&me), press("unit:retry"), State::AskUnit { search: None }, vec!["unit-ask"], vec![]),
        (picking(&["12364"]), Some(&me), press("unit:keep"), State::Idle, vec!["unit-kept"], vec![]),
        (State::AskUnit { search: None }, Some(&me), text("giu xa phuong hien tai"), State::Idle, vec!["unit-kept"], vec![]),
        (State::AskUnit { search: None }, None, press("unit:keep"), State::AskUnit { search: None }, vec!["button-expired", "unit-ask"], vec![]),
        (confirm("12745"), None, press("unit:yes"), State::Idle, vec!["signup-done"], vec![Effect::SetUnit(10)]),
        (confirm("12745"), None, press("unit:no"), State::AskUnit { search: None }, vec!["unit-ask"], vec![]),
        // A province is no place to live in.
        (confirm("33"), None, press("unit:yes"), State::AskUnit { search: None }, vec!["button-expired", "unit-ask"], vec![]),
        (State::ConfirmForget, Some(&me), press("forget:yes"), State::New, vec!["forget-done"], vec![Effect::Erase]),
        (State::ConfirmForget, Some(&me), press("forget:no"), State::Idle, vec!["forget-cancelled"], vec![]),
        (State::ConfirmForget, Some(&me), InboundKind::Other, State::ConfirmForget, vec!["attachment-not-expected", "forget-confirm"], vec![]),
    ];
    check(cases);
}

#[test]
fn a_place_turned_down_leads_to_the_others_of_its_name_never_back_to_it() {
    let units = namesakes();
    let text = |t: &str| InboundKind::Text(t.into());
    let search = |query: &str, passed: &[&str]| Search {
        query: query.into(),
        passed: passed.iter().map(|c| c.to_string()).collect(),
    };
    let asked = |code: &str, search: Search| State::ConfirmUnit {
        code: code.into(),
        via: Via::Name,
        search: Some(search),
    };
    let offered = |codes: &[&str], search: Search| State::PickUnit {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        search: Some(search),
    };
    let asking = |search: Search| State::AskUnit {
        search: Some(search),
    };
    let minh_khai = |passed: &[&str]| search("xa minh khai", passed);
    let former_minh_khai = ["09856", "12586"];
    let all = ["01795", "09856", "12586"];
    let tan_thanh = || State::AskWhere {
        search: search("tan thanh", &[]),
    };
    #[rustfmt::skip]
    let cases = vec![
        // Cao Bằng's current Xã Minh Khai first; "no" offers the former ones, where they are now.
        (State::AskUnit { search: None }, None, text("xa minh khai"), asked("01795", minh_khai(&[])), vec!["unit-confirm"], vec![]),
        (asked("01795", minh_khai(&[])), None, press("unit:no"), offered(&former_minh_khai, minh_khai(&["01795"])), vec!["unit-others"], vec![]),
        (asked("01795", minh_khai(&[])), None, text("không"), offered(&former_minh_khai, minh_khai(&["01795"])), vec!["unit-others"], vec![]),
        // Typing the name again, however written, is a "no" too.
        (asked("01795", minh_khai(&[])), None, text("Xã Minh Khai"), offered(&former_minh_khai, search("Xã Minh Khai", &["01795"])), vec!["unit-others"], vec![]),
        // The last one left, a ward, is asked about.
        (offered(&former_minh_khai, minh_khai(&["01795"])), None, text("xa minh khai"), State::ConfirmUnit { code: "00292".into(), via: Via::Former { name: "Phường Minh Khai".into(), district: Some("quận Hai Bà Trưng".into()) }, search: Some(minh_khai(&all)) }, vec!["unit-confirm-former"], vec![]),
        (offered(&former_minh_khai, minh_khai(&["01795"])), None, press("unit:retry"), asking(minh_khai(&all)), vec!["unit-ask"], vec![]),
        (asking(minh_khai(&["01795", "09856", "12586", "00292"])), None, text("xa minh khai"), asking(minh_khai(&["01795", "09856", "12586", "00292"])), vec!["unit-no-others"], vec![]),
        // Another name starts afresh.
        (asking(minh_khai(&all)), None, text("tien lu"), State::AskUnit { search: None }, vec!["unit-none"], vec![]),
        (offered(&former_minh_khai, minh_khai(&["01795"])), None, press("unit:12586"), State::Idle, vec!["signup-done"], vec![Effect::SetUnit(17)]),
        // Nine places were a Xã Tân Thành: where is yours?
        (State::AskUnit { search: None }, None, text("tan thanh"), tan_thanh(), vec!["unit-widespread"], vec![]),
        (tan_thanh(), None, text("hưng yên"), offered(&["T0", "T3", "T6"], search("tan thanh, hưng yên", &[])), vec!["unit-several"], vec![]),
        (tan_thanh(), None, text("dien son"), State::ConfirmUnit { code: "T3".into(), via: Via::Former { name: "Xã Tân Thành".into(), district: None }, search: Some(search("tan thanh, dien son", &[])) }, vec!["unit-confirm-former"], vec![]),
        (tan_thanh(), None, text("cao bang"), tan_thanh(), vec!["unit-none-where", "unit-ask-where"], vec![]),
        // What names no place is a new name to look for.
        (tan_thanh(), None, text("xa minh khai"), asked("01795", minh_khai(&[])), vec!["unit-confirm"], vec![]),
        (tan_thanh(), None, InboundKind::Other, tan_thanh(), vec!["attachment-not-expected", "unit-ask-where"], vec![]),
        // A location turned down asks for the name.
        (State::ConfirmUnit { code: "12586".into(), via: Via::Location, search: None }, None, press("unit:no"), State::AskUnit { search: None }, vec!["unit-ask"], vec![]),
    ];
    check_in(&units, cases);
}

#[test]
fn chats_saved_before_searches_were_remembered_read_and_save_as_they_were() {
    let saved = [
        (r#"{"step":"ask_unit"}"#, State::AskUnit { search: None }),
        (
            r#"{"step":"pick_unit","codes":["12364"]}"#,
            State::PickUnit {
                codes: vec!["12364".into()],
                search: None,
            },
        ),
        (
            r#"{"step":"confirm_unit","code":"12364"}"#,
            State::ConfirmUnit {
                code: "12364".into(),
                via: Via::Name,
                search: None,
            },
        ),
    ];
    for (json, state) in saved {
        assert_eq!(serde_json::from_str::<State>(json).unwrap(), state);
        assert_eq!(serde_json::to_string(&state).unwrap(), json);
    }
}

#[test]
fn commands_about_oneself_need_a_signed_up_person() {
    let me = resident();
    let command = |name: &str| InboundKind::Command {
        name: name.into(),
        args: String::new(),
    };
    #[rustfmt::skip]
    let cases = vec![
        (None, "start", State::ChooseLanguage, vec!["greeting"], vec![]),
        (Some(&me), "start", State::Idle, vec!["welcome-back"], vec![Effect::SetSubscribed(true)]),
        (Some(&me), "lang", State::ChooseLanguage, vec!["language-ask"], vec![]),
        (Some(&me), "unit", State::AskUnit { search: None }, vec!["unit-ask"], vec![]),
        (Some(&me), "mydata", State::Idle, vec![], vec![Effect::ShowMyData]),
        (Some(&me), "forget", State::ConfirmForget, vec!["forget-confirm"], vec![]),
        (Some(&me), "stop", State::Idle, vec!["stopped"], vec![Effect::SetSubscribed(false)]),
        (None, "mydata", State::Idle, vec!["need-signup", "menu"], vec![]),
    ];
    for (person, name, then, replies, effects) in cases {
        let out = run(State::Idle, person, &command(name));
        assert_eq!(
            (&out.state, said(&out), &out.effects),
            (&then, replies, &effects),
            "/{name}"
        );
    }
    // The menu's buttons are the same commands.
    let pressed = run(
        State::Idle,
        Some(&me),
        &press(&Payload::Command(Command::Unit).to_string()),
    );
    assert_eq!(pressed.state, State::AskUnit { search: None });
}
