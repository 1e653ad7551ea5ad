//! The demo seed: Hưng Yên province and its communes, from the official 2026 list built into the
//! binary, with their former names and boundaries, loaded when the database has no units yet.

use crate::app::{self, tickets::By};
use crate::domain::boundaries::parse_feature_collection;
use crate::domain::former::parse_merger_map;
use crate::domain::ids::{PersonId, TicketId};
use crate::domain::ticket::{Kind, Move, TicketDraft};
use crate::domain::units::parse_unit_list;
use crate::store::Store;

pub const UNIT_LIST_2026: &str = include_str!("../data/vn-admin-units-2026-07.csv");
pub const MERGER_MAP_2025: &str = include_str!("../data/vn-units-formed-from-2025.csv");
pub const HUNG_YEN_BOUNDARIES: &str = include_str!("../data/geo/hung-yen-communes-2026.geojson");
/// Hưng Yên.
pub const DEMO_PROVINCE: &str = "33";

/// Loads the demo province if there are no units; returns how many units it added.
pub async fn demo_if_empty(store: &Store) -> anyhow::Result<usize> {
    if store.unit_count().await? > 0 {
        return Ok(0);
    }
    let province: Vec<_> = parse_unit_list(UNIT_LIST_2026)?
        .into_iter()
        .filter(|u| u.code == DEMO_PROVINCE || u.parent_code.as_deref() == Some(DEMO_PROVINCE))
        .collect();
    let report = store
        .import_units(
            &province,
            "demo seed (Hưng Yên, 2026-07)",
            &Default::default(),
        )
        .await?;
    let map: Vec<_> = parse_merger_map(MERGER_MAP_2025)?
        .into_iter()
        .filter(|row| row.province_code == DEMO_PROVINCE)
        .collect();
    store
        .import_former(&map, "demo seed (Hưng Yên former communes, 2025)")
        .await?;
    store
        .import_boundaries(
            &parse_feature_collection(HUNG_YEN_BOUNDARIES)?,
            "demo seed (Hưng Yên boundaries, 2026-03)",
        )
        .await?;
    Ok(report.plan.added.len())
}

/// Residents in the demo's history.
const DEMO_RESIDENTS: i64 = 3_000;

/// Notices in the demo's history: title, text, days ago, share read.
const DEMO_NOTICES: [(&str, &str, i32, f64); 3] = [
    (
        "Triển khai Nghị quyết số 60-NQ/TW",
        "Ban Dân vận Tỉnh ủy đề nghị các xã, phường tổ chức **học tập, quán triệt** Nghị quyết đến từng chi bộ, khu dân cư.\n- Hoàn thành trước ngày 20 hằng tháng\n- Báo cáo kết quả về Ban Dân vận",
        21,
        0.62,
    ),
    (
        "Tiêm phòng dại cho chó, mèo đợt 2",
        "Trạm thú y phối hợp với thôn tổ chức tiêm phòng dại miễn phí. Bà con đưa vật nuôi đến nhà văn hóa thôn từ 7 giờ sáng.",
        9,
        0.48,
    ),
    (
        "Lịch tiếp công dân tháng này",
        "Lãnh đạo UBND xã tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở. Bà con mang theo căn cước công dân.",
        2,
        0.27,
    ),
];

/// Writes the demo's history once (a second `danvan demo` keeps what is there): residents of Hưng
/// Yên on the chat platforms, notices they read, an open survey with answers, models and
/// activities, "1+10" households with their cadres and visits; all dated relative to `now`.
pub async fn demo_history_if_new(
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    if store.demo_seeded().await? {
        return Ok(false);
    }
    demo_if_empty(store).await?;
    store
        .add_demo_residents(DEMO_PROVINCE, DEMO_RESIDENTS, now)
        .await?;
    let (_, units) = store.unit_directory().await?;
    let province = units
        .by_code(DEMO_PROVINCE)
        .ok_or_else(|| anyhow::anyhow!("the demo province is not loaded"))?
        .id;
    let mut ids = Vec::new();
    for (title, body, _, _) in DEMO_NOTICES {
        let mut notice = crate::store::notices::NewNotice::to_units(title, body, vec![province]);
        notice.quiet_hours = false;
        let id = store.create_notice(&notice).await?;
        store.schedule_notice(id, now).await?;
        ids.push(id);
    }
    store.fan_out_due(now).await?;
    let first_notice = ids[0];
    for (id, (_, _, days_ago, read)) in ids.into_iter().zip(DEMO_NOTICES) {
        store.age_demo_notice(id, now, days_ago, read).await?;
    }
    let survey = crate::domain::survey::SurveyFile::parse(include_str!("../examples/survey.toml"))?;
    let mut tx = store.begin().await?;
    let id = crate::app::surveys::create(&mut tx, &survey, &[province], None, now).await?;
    crate::app::surveys::open(&mut tx, id, now).await??;
    tx.commit().await?;
    store.answer_demo_survey(id, DEMO_PROVINCE, now).await?;
    let photos = demo_photos(store).await?;
    store.add_demo_logs(DEMO_PROVINCE, now, &photos).await?;
    store.add_demo_households(DEMO_PROVINCE, now).await?;
    demo_tickets(store, now, first_notice).await?;
    demo_consultation(store, &units, now).await?;
    store.mark_demo_seeded().await?;
    Ok(true)
}

/// The example draft (a village convention written for the demo) opened ten days ago in its
/// commune, answered by most of its residents with opinions that differ by part, and a village
/// meeting's opinions entered two days ago.
async fn demo_consultation(
    store: &Store,
    units: &crate::domain::unit_directory::UnitDirectory,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::consultation::{ConsultationFile, MeetingFile};
    let file = ConsultationFile::parse(include_str!("../examples/consultation.md"))
        .map_err(|p| anyhow::anyhow!("the example draft: {p:?}"))?;
    let opened = now - chrono::Duration::days(10);
    let mut tx = store.begin().await?;
    let refused = |r: app::consultations::Refused| anyhow::anyhow!("the demo draft: {r:?}");
    let id = app::consultations::create(&mut tx, By::Operator, &file, units)
        .await?
        .map_err(refused)?;
    app::consultations::open(&mut tx, By::Operator, id, None, units, opened)
        .await?
        .map_err(refused)?;
    tx.commit().await?;
    store
        .answer_demo_consultation(id, file.parts.len(), now)
        .await?;
    let meeting = MeetingFile::parse(include_str!("../examples/meeting.toml"))
        .map_err(|p| anyhow::anyhow!("the example meeting: {p:?}"))?;
    let unit = units
        .by_code(&meeting.unit)
        .ok_or_else(|| anyhow::anyhow!("the example meeting's unit"))?;
    let mut meeting = meeting.meeting(unit.id);
    meeting.held_on = crate::domain::vn_time::local_date(now - chrono::Duration::days(2));
    let mut tx = store.begin().await?;
    app::consultations::add_meeting(&mut tx, By::Operator, id, &meeting, units)
        .await?
        .map_err(refused)?;
    tx.commit().await?;
    Ok(())
}

/// The demo's tickets, one in every state: (text, kind, category, hours ago, staff moves an hour
/// apart, the resident's rating).
type DemoTicket = (
    &'static str,
    Kind,
    Option<&'static str>,
    i64,
    &'static [(Move, &'static str)],
    Option<bool>,
);
const DEMO_TICKETS: [DemoTicket; 8] = [
    (
        "Cho tôi hỏi khi nào xã tiêm phòng dại cho chó ạ?",
        Kind::Question,
        None,
        2,
        &[],
        None,
    ),
    (
        "Cống thoát nước thôn Nam bị tắc sau trận mưa, nước tràn vào ngõ.",
        Kind::Report,
        Some("ha_tang"),
        170,
        &[],
        None,
    ),
    (
        "Đèn đường ở ngõ 4 thôn Đông hỏng hơn một tuần nay.",
        Kind::Report,
        Some("ha_tang"),
        30,
        &[(Move::Accept, "")],
        None,
    ),
    (
        "Bãi rác tự phát cạnh kênh thôn Tây bốc mùi.",
        Kind::Report,
        Some("moi_truong"),
        80,
        &[
            (Move::Accept, ""),
            (
                Move::AskMore,
                "Xin cho biết vị trí cụ thể (gần nhà ai, số nhà)?",
            ),
        ],
        None,
    ),
    (
        "Đề nghị xã lắp thêm camera an ninh ở ngã ba chợ.",
        Kind::Suggestion,
        None,
        120,
        &[
            (Move::Accept, ""),
            (
                Move::Answer,
                "UBND xã đã đưa vào kế hoạch quý tới và sẽ thông báo khi lắp đặt.",
            ),
        ],
        None,
    ),
    (
        "Thủ tục xin trợ cấp cho người cao tuổi cần giấy tờ gì?",
        Kind::Question,
        None,
        200,
        &[(
            Move::Answer,
            "Bác mang căn cước đến bộ phận một cửa của xã; cán bộ sẽ hướng dẫn làm hồ sơ.",
        )],
        Some(true),
    ),
    (
        "Nhà văn hoá thôn Bắc xuống cấp, mái dột khi mưa.",
        Kind::Report,
        Some("ha_tang"),
        300,
        &[
            (Move::Accept, ""),
            (
                Move::Answer,
                "Xã đã cử cán bộ kiểm tra; sẽ sửa mái trong tháng tới.",
            ),
        ],
        Some(false),
    ),
    (
        "Nhờ xã đăng giúp tin bán đất.",
        Kind::Question,
        None,
        50,
        &[(Move::Reject, "Nội dung không thuộc việc xã tiếp nhận.")],
        None,
    ),
];

/// Sends the demo's tickets from residents of the province's communes, moves them as staff would,
/// and rates the answered ones: the queue has one in every state.
/// Residents' questions about the demo's first notice (tickets that name it), hours ago.
const DEMO_NOTICE_QUESTIONS: [(&str, i64); 2] = [
    ("Cho hỏi thủ tục này làm ở đâu, có mất phí không ạ?", 5),
    (
        "Người cao tuổi không đi lại được thì có cán bộ đến nhà không?",
        3,
    ),
];

async fn demo_tickets(
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
    notice: i64,
) -> anyhow::Result<()> {
    let (_, units) = store.unit_directory().await?;
    let count = DEMO_TICKETS.len() + DEMO_NOTICE_QUESTIONS.len();
    let senders = store.demo_senders(DEMO_PROVINCE, count as i64).await?;
    let about_notice = DEMO_NOTICE_QUESTIONS.iter().map(|&(text, hours)| {
        (
            text,
            Kind::Question,
            None,
            hours,
            &[][..],
            None,
            Some(notice),
        )
    });
    let tickets = DEMO_TICKETS
        .iter()
        .map(|&(text, kind, category, hours, moves, rating)| {
            (text, kind, category, hours, moves, rating, None)
        })
        .chain(about_notice);
    for ((text, kind, category, hours, moves, rating, notice), (person, unit)) in
        tickets.zip(senders)
    {
        let mut at = now - chrono::Duration::hours(hours);
        let draft = TicketDraft {
            text: text.to_owned(),
            kind: Some(kind),
            category: category.map(str::to_owned),
            notice,
            ..TicketDraft::default()
        };
        let sender = app::tickets::Sender {
            person_id: person,
            unit_id: Some(unit),
            channel: "zalo_oa",
        };
        let mut tx = store.begin().await?;
        let ticket = app::tickets::submit(&mut tx, &sender, &draft, false, &units, at)
            .await?
            .map_err(|refused| anyhow::anyhow!("demo ticket refused: {refused:?}"))?;
        for (done, words) in moves.iter() {
            at += chrono::Duration::hours(1);
            app::tickets::act(
                &mut tx,
                By::Operator,
                TicketId(ticket.id),
                *done,
                words,
                None,
                &units,
                at,
            )
            .await?
            .map_err(|refused| anyhow::anyhow!("demo move refused: {refused:?}"))?;
        }
        if let Some(satisfied) = rating {
            at += chrono::Duration::hours(1);
            app::tickets::rate(
                &mut tx,
                PersonId(person),
                TicketId(ticket.id),
                satisfied,
                at,
            )
            .await?
            .map_err(|refused| anyhow::anyhow!("demo rating refused: {refused:?}"))?;
        }
        tx.commit().await?;
    }
    // The demo's residents are no one's chats: what the tickets told them goes nowhere.
    store.drop_demo_messages().await
}

/// The demo's activity photos, one per demo activity title in order: illustrations drawn by
/// `assets/demo/photos/draw.py`, kept as photos sent in the web chat (the channel the demo runs).
const DEMO_PHOTOS: [&[u8]; 6] = [
    include_bytes!("../assets/demo/photos/1-field.jpg"),
    include_bytes!("../assets/demo/photos/2-gift.jpg"),
    include_bytes!("../assets/demo/photos/3-trees.jpg"),
    include_bytes!("../assets/demo/photos/4-talk.jpg"),
    include_bytes!("../assets/demo/photos/5-meeting.jpg"),
    include_bytes!("../assets/demo/photos/6-road.jpg"),
];

/// Keeps the demo's photos as the demo's own web chat sent them; their keys.
async fn demo_photos(store: &Store) -> anyhow::Result<[String; 6]> {
    let mut keys: [String; 6] = Default::default();
    for (key, bytes) in keys.iter_mut().zip(DEMO_PHOTOS) {
        let picture = crate::message::Picture::read(bytes.to_vec())
            .ok_or_else(|| anyhow::anyhow!("a demo photo is no image"))?;
        *key = crate::channels::web::photo_key(&picture);
        // As if sent from this machine, within the web chat's usual allowance.
        let local = std::net::IpAddr::from([127, 0, 0, 1]);
        store
            .keep_web_photo(key, "demo", local, &picture, &crate::channels::web::PHOTOS)
            .await?
            .map_err(|refused| anyhow::anyhow!("a demo photo was refused: {refused:?}"))?;
    }
    Ok(keys)
}

/// The commune the demo's resident and cadre live in.
const DEMO_COMMUNE: &str = "Xã Tiên Lữ";

/// The demo's web chat personas — a resident and a cadre of Tiên Lữ, an admin of the province —
/// made at the first run and the same at every run after, each a signed-up web chat.
pub async fn demo_personas(
    store: &Store,
    units: &crate::domain::unit_directory::UnitDirectory,
    localizer: &crate::i18n::Localizer,
) -> anyhow::Result<Vec<crate::channels::web::Persona>> {
    use crate::channels::web::{self, Persona, Visitor};
    use crate::domain::access::Role;
    use crate::message::{Lang, Msg};
    use secrecy::ExposeSecret;
    let province = units
        .by_code(DEMO_PROVINCE)
        .ok_or_else(|| anyhow::anyhow!("the demo province is not loaded"))?;
    let commune = units
        .children(province.id)
        .into_iter()
        .find(|u| u.name == DEMO_COMMUNE)
        .unwrap_or(province);
    let kinds: [(&str, Option<Role>, &crate::domain::units::Unit); 3] = [
        ("resident", None, commune),
        ("cadre", Some(Role::Cadre), commune),
        ("admin", Some(Role::Admin), province),
    ];
    let kept = match store.demo_personas().await? {
        Some(lines) => lines,
        None => {
            let mut lines = Vec::new();
            for (kind, role, unit) in &kinds {
                let visitor = web::new_visitor(store).await?;
                store
                    .add_demo_persona(web::adapt::CHANNEL, &visitor.address, unit.id, *role)
                    .await?;
                lines.push(format!("{kind}:{}", visitor.token.expose_secret()));
            }
            let lines = lines.join("\n");
            store.keep_demo_personas(&lines).await?;
            lines
        }
    };
    Ok(kept
        .lines()
        .filter_map(|line| {
            let (kind, token) = line.split_once(':')?;
            let (_, _, unit) = kinds.iter().find(|(k, _, _)| *k == kind)?;
            let label = Msg::new("demo-persona")
                .text("role", kind)
                .text("unit", &unit.name);
            Some(Persona {
                label: localizer.render(&label, Lang::Vi),
                visitor: Visitor {
                    address: web::visitor::address_for(token),
                    token: token.into(),
                },
            })
        })
        .collect())
}
