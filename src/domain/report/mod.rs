//! Quarterly reports of "Dân vận khéo" models and activities, in the style of official reports:
//! "Tính đến hết quý I/2025, toàn tỉnh đã xây dựng và duy trì 3.162 mô hình “Dân vận khéo”, trong đó:
//! 761 mô hình lĩnh vực kinh tế; …".

use super::access::Grant;
use super::activity::Sector;
use super::collation;
use super::household::Coverage;
use super::listing::{self, Length};
use super::text::fold;
use super::ticket;
use super::unit_directory::UnitDirectory;
use super::units::Unit;
use crate::message::{Bar, Chart, Lang, Msg, Reply};

mod quarter;
pub use quarter::Quarter;

/// Counts for one quarter in one scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Models built and maintained at the end of the quarter, by sector code.
    pub models: Vec<(String, i64)>,
    /// Activities held in the quarter, by sector code.
    pub activities: Vec<(String, i64)>,
    pub participants: i64,
}

impl Figures {
    pub fn total_models(&self) -> i64 {
        self.models.iter().map(|(_, n)| n).sum()
    }

    pub fn total_activities(&self) -> i64 {
        self.activities.iter().map(|(_, n)| n).sum()
    }

    fn models_in(&self, sector: &str) -> i64 {
        self.models
            .iter()
            .find(|(s, _)| s == sector)
            .map_or(0, |(_, n)| *n)
    }
}

/// A report: the scope's figures for the quarter and the one before, and each child unit's.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub quarter: Quarter,
    /// "toàn tỉnh", "Xã Tiên Lữ".
    pub scope: Msg,
    pub current: Figures,
    pub previous: Figures,
    /// (child unit name, models at the end of the quarter, activities in it).
    pub children: Vec<(String, i64, i64)>,
    /// Residents' questions and reports received in the quarter, and how they were answered.
    pub listening: ticket::Figures,
    /// "1+10" households at the end of the quarter, with the quarter's visits.
    pub households: Coverage,
}

/// How a report names where it covers: "toàn tỉnh" for a province, else the unit.
pub fn scope_of(unit: &Unit) -> Msg {
    match unit.parent_id {
        // A centrally run city reports as "toàn thành phố".
        None => Msg::new("report-scope-province").text(
            "kind",
            if fold(&unit.division_type) == "thanh pho" {
                "city"
            } else {
                "province"
            },
        ),
        Some(_) => Msg::new("report-scope-unit").text("unit", &unit.name),
    }
}

/// The unit a person's report covers: the broadest of their roles' units.
pub fn report_unit(grants: &[Grant], units: &UnitDirectory) -> Option<i64> {
    let depth = |id: i64| {
        let mut depth = 0;
        let mut current = units.by_id(id).and_then(|u| u.parent_id);
        while let Some(parent) = current {
            depth += 1;
            current = units.by_id(parent).and_then(|u| u.parent_id);
        }
        depth
    };
    grants.iter().map(|g| g.unit_id).min_by_key(|&id| depth(id))
}

/// The child units ranked as people look for them: most models, then most activities, then in
/// Vietnamese order.
pub fn ranked(children: &[(String, i64, i64)]) -> Vec<&(String, i64, i64)> {
    let mut ranked: Vec<_> = children.iter().collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| collation::compare(&a.0, &b.0))
    });
    ranked
}

/// The report as the committee reads it: the official paragraph, then the figures.
pub fn report_reply(report: &Report, sectors: &[Sector], lang: Lang, length: Length) -> Reply {
    let sector_name = |s: &Sector| match lang {
        Lang::Vi => s.name.to_lowercase(),
        Lang::En => s.name_en.to_lowercase(),
    };
    let by_sector = sectors
        .iter()
        .map(|s| {
            Msg::new("report-sector-models")
                .number("count", report.current.models_in(&s.code))
                .text("sector", sector_name(s))
        })
        .collect();
    let quarter = quarter_words(report.quarter);
    let change = |now: i64, before: i64| {
        let direction = match now.cmp(&before) {
            std::cmp::Ordering::Greater => "up",
            std::cmp::Ordering::Less => "down",
            std::cmp::Ordering::Equal => "same",
        };
        Msg::new("report-change")
            .number("now", now)
            .text("direction", direction)
            .number("delta", (now - before).abs())
    };
    // Only the sectors that changed are named; the others are "the rest" in one phrase.
    let changed: Vec<Msg> = sectors
        .iter()
        .filter_map(|s| {
            let now = report.current.models_in(&s.code);
            let before = report.previous.models_in(&s.code);
            (now != before).then(|| {
                Msg::new("report-sector-change")
                    .text("sector", sector_name(s))
                    .text("direction", if now > before { "up" } else { "down" })
                    .number("delta", (now - before).abs())
            })
        })
        .collect();
    let sector_changes = Msg::new("report-sector-changes")
        .number("changed", changed.len() as i64)
        .number("unchanged", (sectors.len() - changed.len()) as i64)
        .list("changes", changed);
    let ranked = ranked(&report.children);
    let (listed, others) = listing::split(&ranked, length);
    let mut children: Vec<Msg> = listed
        .iter()
        .map(|(name, models, activities)| {
            Msg::new("report-child")
                .text("unit", name)
                .number("models", *models)
                .number("activities", *activities)
        })
        .collect();
    if !others.is_empty() {
        children.push(
            Msg::new("report-children-rest")
                .number("units", others.len() as i64)
                .number("models", others.iter().map(|c| c.1).sum())
                .number("activities", others.iter().map(|c| c.2).sum()),
        );
    }
    // A unit without a model, this quarter or the last, says so in a sentence, not in zeros.
    if report.current.total_models() == 0 && report.previous.total_models() == 0 {
        return Reply::new(
            Msg::new("report-no-models")
                .msg("quarter", quarter)
                .msg("scope", report.scope.clone())
                .number("activities", report.current.total_activities())
                .number("participants", report.current.participants)
                .lines("listening", listening(&report.listening))
                .lines(
                    "households",
                    report.households.report_sentence().into_iter().collect(),
                )
                .lines("children", children),
        );
    }
    Reply::new(
        Msg::new("report")
            .msg("quarter", quarter)
            .msg("scope", report.scope.clone())
            .number("models", report.current.total_models())
            .series("by_sector", by_sector)
            .msg(
                "models_change",
                change(
                    report.current.total_models(),
                    report.previous.total_models(),
                ),
            )
            .msg(
                "activities",
                change(
                    report.current.total_activities(),
                    report.previous.total_activities(),
                ),
            )
            .number("participants", report.current.participants)
            .lines("listening", listening(&report.listening))
            .lines(
                "households",
                report.households.report_sentence().into_iter().collect(),
            )
            .msg("sector_changes", sector_changes)
            .lines("children", children),
    )
}

/// "Tiếp nhận 12 phản ánh, kiến nghị …": nothing in a quarter none came.
fn listening(figures: &ticket::Figures) -> Vec<Msg> {
    let percent = |part: i64, whole: i64| match whole {
        0 => 0,
        _ => (part * 100 + whole / 2) / whole,
    };
    (figures.received > 0)
        .then(|| {
            Msg::new("report-listening")
                .number("received", figures.received)
                .number("answered", figures.answered)
                .number(
                    "answered_share",
                    percent(figures.answered, figures.received),
                )
                .number(
                    "on_time",
                    percent(figures.answered_on_time, figures.answered),
                )
                .number("overdue", figures.overdue)
                .number("rated", figures.rated)
                .number("satisfied", percent(figures.satisfied, figures.rated))
        })
        .into_iter()
        .collect()
}

/// Most child units a chart shows: those with the most models (units without any are left out).
pub const CHART_UNITS: usize = 15;

/// The report's pictures: models by sector, and (for a unit with children) the child units with
/// the most models.
pub fn report_charts(report: &Report, sectors: &[Sector], lang: Lang) -> Vec<Reply> {
    let mut charts: Vec<Reply> = sectors_chart(
        report.quarter,
        &report.scope,
        &report.current,
        sectors,
        lang,
    )
    .into_iter()
    .collect();
    // Units without models are left out; the title says when more had some than are shown.
    let with_models = report.children.iter().filter(|c| c.1 > 0).count();
    let bars: Vec<Bar> = ranked(&report.children)
        .into_iter()
        .filter(|(_, models, _)| *models > 0)
        .take(CHART_UNITS)
        .map(|(name, models, _)| Bar {
            label: Msg::new("report-chart-unit").text("unit", name),
            value: *models,
        })
        .collect();
    if !bars.is_empty() {
        let title = Msg::new("report-chart-units")
            .msg("quarter", quarter_words(report.quarter))
            .msg("scope", report.scope.clone())
            .number("shown", bars.len() as i64)
            .number("units", with_models as i64)
            .text(
                "all",
                if bars.len() < with_models {
                    "no"
                } else {
                    "yes"
                },
            );
        charts.push(Reply::new(title.clone()).chart(Chart { title, bars }));
    }
    charts
}

/// The report's first picture: models by sector at the end of the quarter, in `scope` (whose
/// figures are `figures`). None for a unit without models: no picture of nothing, its sentence
/// says so.
pub fn sectors_chart(
    quarter: Quarter,
    scope: &Msg,
    figures: &Figures,
    sectors: &[Sector],
    lang: Lang,
) -> Option<Reply> {
    if figures.total_models() == 0 {
        return None;
    }
    let bars = sectors
        .iter()
        .map(|s| Bar {
            label: Msg::new("sector-name").text(
                "name",
                match lang {
                    Lang::Vi => &s.name,
                    Lang::En => &s.name_en,
                },
            ),
            value: figures.models_in(&s.code),
        })
        .collect();
    let title = Msg::new("report-chart-sectors")
        .msg("quarter", quarter_words(quarter))
        .msg("scope", scope.clone());
    Some(Reply::new(title.clone()).chart(Chart { title, bars }))
}

/// "quý I/2025", as a report's sentences, charts and documents name the quarter. (The year is
/// text: numbers get thousands separators.)
pub fn quarter_words(quarter: Quarter) -> Msg {
    Msg::new("report-quarter")
        .number("number", quarter.number as i64)
        .text("year", quarter.year.to_string())
}

/// A CSV table in UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly.
pub fn csv_with_bom(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| inert(cell).into_owned()))?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes)?))
}

/// What people typed, kept from running as a spreadsheet formula ("=HYPERLINK(…)"): such a cell
/// starts with an apostrophe, which Excel shows as text. Negative numbers stay numbers.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => cell[1..].parse::<f64>().is_err(),
        _ => false,
    };
    match formula {
        true => format!("'{cell}").into(),
        false => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn sectors() -> Vec<Sector> {
        [("kt", "Kinh tế", "Economy"), ("an", "An ninh", "Security")]
            .map(|(code, name, name_en)| Sector {
                code: code.into(),
                name: name.into(),
                name_en: name_en.into(),
                aliases: vec![],
            })
            .to_vec()
    }

    fn figures(economy: i64, security: i64) -> Figures {
        Figures {
            models: vec![("kt".into(), economy), ("an".into(), security)],
            activities: vec![],
            participants: 0,
        }
    }

    /// A province's report with `units` child units, every seventh with a model and an activity.
    fn province(units: usize) -> Report {
        Report {
            quarter: Quarter {
                year: 2025,
                number: 1,
            },
            scope: Msg::new("report-scope-province").text("kind", "province"),
            current: figures(10, 5),
            previous: figures(10, 5),
            children: (0..units)
                .map(|i| {
                    let some = i64::from(i % 7 == 0);
                    (format!("Xã Số {i}"), some, some)
                })
                .collect(),
            listening: ticket::Figures::default(),
            households: Coverage::default(),
        }
    }

    fn render(report: &Report, lang: Lang, length: Length) -> String {
        let reply = report_reply(report, &sectors(), lang, length);
        crate::i18n::Localizer::new().render(&reply.body, lang)
    }

    #[test]
    fn a_report_in_chat_lists_ten_units_and_adds_up_the_rest_in_one_message() {
        // The whole country's communes under one unit: still one message on the strictest channel
        // (Zalo's 2,000 characters).
        let report = province(3321);
        let text = render(&report, Lang::Vi, Length::Chat);
        let units: Vec<&str> = text.lines().filter(|l| l.starts_with("• ")).collect();
        assert_eq!(units.len(), listing::CHAT_ROWS + 1, "{text}");
        assert!(
            text.encode_utf16().count() <= crate::channels::zalo_oa::adapt::MAX_TEXT,
            "{text}"
        );
        // 475 units have a model; the ten shown are the first of them by name.
        assert_eq!(units[0], "• Xã Số 0: 1 mô hình, 1 hoạt động");
        assert_eq!(
            units[listing::CHAT_ROWS],
            "• 3.311 đơn vị khác: 465 mô hình, 465 hoạt động"
        );
        let english = render(&report, Lang::En, Length::Chat);
        assert!(
            english.ends_with("• 3,311 other units: 465 models, 465 activities"),
            "{english}"
        );
        assert_eq!(
            render(&province(11), Lang::En, Length::Chat)
                .lines()
                .last()
                .unwrap(),
            "• 1 other unit: 0 models, 0 activities"
        );
        // The command line lists every unit.
        let full = render(&report, Lang::Vi, Length::Full);
        assert_eq!(full.lines().filter(|l| l.starts_with("• ")).count(), 3321);
    }

    #[test]
    fn units_with_the_same_figures_are_listed_in_vietnamese_order() {
        let mut report = province(0);
        report.children = [
            ("Xã Yên Mỹ", 2, 0),
            ("Phường Hồng Châu", 0, 0),
            ("Xã Đoàn Đào", 0, 0),
            ("Xã Ân Thi", 0, 0),
            ("Phường Đường Hào", 0, 0),
            ("Xã Ái Quốc", 0, 0),
            ("Xã Dương Quang", 0, 3),
        ]
        .map(|(name, models, activities)| (name.to_owned(), models, activities))
        .to_vec();
        let text = render(&report, Lang::Vi, Length::Full);
        let units: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("• ")?.split(':').next())
            .collect();
        assert_eq!(
            units,
            [
                "Xã Yên Mỹ",
                "Xã Dương Quang",
                "Phường Đường Hào",
                "Phường Hồng Châu",
                "Xã Ái Quốc",
                "Xã Ân Thi",
                "Xã Đoàn Đào",
            ]
        );
    }

    #[test]
    fn the_change_by_sector_is_one_sentence_naming_only_what_changed() {
        let unchanged = province(0).previous;
        let cases = [
            (
                unchanged,
                Lang::Vi,
                "Số mô hình ở mọi lĩnh vực không đổi so với quý trước.",
            ),
            (
                figures(7, 5),
                Lang::Vi,
                "So với quý trước: lĩnh vực kinh tế tăng 3 mô hình; các lĩnh vực khác không đổi.",
            ),
            (
                figures(9, 6),
                Lang::Vi,
                "So với quý trước: lĩnh vực kinh tế tăng 1 mô hình, lĩnh vực an ninh giảm 1 mô hình.",
            ),
            (
                figures(9, 6),
                Lang::En,
                "On the previous quarter: economy up 1 model, security down 1 model.",
            ),
        ];
        for (previous, lang, sentence) in cases {
            let mut report = province(0);
            report.previous = previous;
            let text = render(&report, lang, Length::Chat);
            assert!(text.ends_with(&format!("\n{sentence}")), "{text}");
        }
    }

    #[test]
    fn typed_text_cannot_become_a_spreadsheet_formula() {
        let csv = csv_with_bom(
            &["a", "b", "c"],
            &[vec!["=1+1".into(), "-5".into(), "-cmd".into()]],
        )
        .unwrap();
        assert_eq!(csv, "\u{feff}a,b,c\n'=1+1,-5,'-cmd\n");
    }

    #[test]
    fn what_residents_sent_is_one_sentence_and_none_is_no_sentence() {
        let mut report = province(0);
        let text = render(&report, Lang::Vi, Length::Full);
        assert!(!text.contains("Tiếp nhận"), "{text}");
        report.listening = ticket::Figures {
            received: 1204,
            accepted_on_time: 1100,
            answered: 1187,
            answered_on_time: 1142,
            overdue: 9,
            rated: 800,
            satisfied: 728,
        };
        let text = render(&report, Lang::Vi, Length::Full);
        assert!(
            text.contains(
                "lượt người tham gia. Tiếp nhận 1.204 phản ánh, kiến nghị của người dân; \
                 đã trả lời 1.187 (99%), đúng hạn 96%; 9 quá hạn; 91% người dân đánh giá hài lòng."
            ),
            "{text}"
        );
        report.listening = ticket::Figures {
            received: 3,
            ..ticket::Figures::default()
        };
        let text = render(&report, Lang::En, Length::Full);
        assert!(
            text.contains("Received 3 questions and reports from residents; answered 0 (0%)."),
            "{text}"
        );
    }

    #[test]
    fn a_unit_without_models_says_so_in_a_sentence_and_draws_no_chart() {
        let mut report = province(0);
        report.current = figures(0, 0);
        report.previous = figures(0, 0);
        let text = render(&report, Lang::Vi, Length::Apart);
        assert_eq!(
            text.trim_end(),
            "Tính đến hết quý I/2025, toàn tỉnh chưa có mô hình “Dân vận khéo” nào. \
             Trong quý chưa ghi nhận hoạt động nào."
        );
        assert!(report_charts(&report, &sectors(), Lang::Vi).is_empty());
        // In a page or a document the units are a table of their own, not lines of the text.
        let report = province(30);
        let text = render(&report, Lang::Vi, Length::Apart);
        assert!(!text.contains("• "), "{text}");
    }

    #[test]
    fn households_are_one_sentence_with_vietnamese_numbers() {
        let mut report = province(0);
        report.households = Coverage {
            households: 3200,
            with_cadre: 3120,
            accompanied: 7415,
            cadres: 312,
            cadres_over: 27,
            unreached: 0,
            visits: vec![
                (NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), 604),
                (NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(), 600),
            ],
        };
        let text = render(&report, Lang::Vi, Length::Full);
        assert!(
            text.contains(
                "lượt người tham gia. Mô hình “Dân vận khéo 1+10”: 312 cán bộ theo dõi 3.120 hộ \
                 (27 cán bộ theo dõi hơn 10 hộ), 7.415 người dân đã tham gia; 1.204 lượt thăm hộ trong quý."
            ),
            "{text}"
        );
        report.households.cadres_over = 0;
        let text = render(&report, Lang::En, Length::Full);
        assert!(
            text.contains(
                "participants. “Dân vận khéo 1+10”: 312 cadres accompany 3,120 households, \
                 7,415 residents have joined; 1,204 household visits in the quarter."
            ),
            "{text}"
        );
    }
}
