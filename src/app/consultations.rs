//! Consultations on a draft, each use case once for the command line and the dashboard: create
//! one from its file, open it (a notice with its button goes to its units), close it, enter a
//! meeting's opinions, and read the results per part and per unit, with the meetings beside them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::By;
use crate::document::{Grid, Official};
use crate::domain::access::Action;
use crate::domain::consultation::{
    Consultation, ConsultationFile, MAX_PART_CHARS, Meeting, Status, Tally, percent,
    summary_sentence,
};
use crate::domain::notice::{MAX_BODY_CHARS, NoticeText};
use crate::domain::unit_directory::UnitDirectory;
use crate::i18n::{Localizer, format_number};
use crate::message::{Lang, Msg};
use crate::store::consultations::Counts;
use crate::store::notices::NewNotice;
use crate::store::{Store, Tx};

/// Why a use case was refused; each a Fluent message.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// No such consultation, or not one they may see (the same answer).
    NotFound,
    UnknownUnit(String),
    NotAllowed,
    NotDraft,
    NotOpen,
    ClosingTimePassed,
    Times,
    /// A meeting's part that the draft does not have, or more opinions than people present.
    BadMeeting,
}

impl Refused {
    pub fn msg(&self) -> Msg {
        match self {
            Refused::NotFound => Msg::new("consult-not-found"),
            Refused::UnknownUnit(code) => Msg::new("consult-unknown-unit").text("code", code),
            Refused::NotAllowed => Msg::new("not-allowed"),
            Refused::NotDraft => Msg::new("consult-not-draft"),
            Refused::NotOpen => Msg::new("consult-not-open"),
            Refused::ClosingTimePassed => Msg::new("consult-closing-passed"),
            Refused::Times => Msg::new("consult-file-times"),
            Refused::BadMeeting => Msg::new("consult-bad-meeting"),
        }
    }
}

/// Creates a draft consultation from a checked file, if `by` may send notices to all its units.
pub async fn create(
    tx: &mut Tx,
    by: By<'_>,
    file: &ConsultationFile,
    units: &UnitDirectory,
) -> anyhow::Result<Result<i64, Refused>> {
    let mut unit_ids = Vec::new();
    for code in &file.target.units {
        let Some(unit) = units.by_code(code) else {
            return Ok(Err(Refused::UnknownUnit(code.clone())));
        };
        if !by.allows(Action::Notify { unit_id: unit.id }, units) {
            return Ok(Err(Refused::NotAllowed));
        }
        unit_ids.push(unit.id);
    }
    Ok(Ok(tx
        .create_consultation(file, &unit_ids, &by.label())
        .await?))
}

/// The consultation, if `by` may run it (send notices to all its units).
async fn runnable(
    tx: &mut Tx,
    by: By<'_>,
    id: i64,
    units: &UnitDirectory,
) -> anyhow::Result<Result<(Consultation, String), Refused>> {
    Ok(match tx.consultation(id).await? {
        Some(found)
            if found
                .0
                .unit_ids
                .iter()
                .all(|&unit_id| by.allows(Action::Notify { unit_id }, units)) =>
        {
            Ok(found)
        }
        _ => Err(Refused::NotFound),
    })
}

/// Opens a draft: from its opening time (or now) until it closes, with a notice inviting its
/// units, whose button starts it. `page`: the public address of danvan's page of the whole
/// draft, if danvan has one; the file's own link wins. Returns the notice and when it goes out.
pub async fn open(
    tx: &mut Tx,
    by: By<'_>,
    id: i64,
    page: Option<&str>,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(i64, DateTime<Utc>), Refused>> {
    let (c, _) = match runnable(tx, by, id, units).await? {
        Ok(found) => found,
        Err(refused) => return Ok(Err(refused)),
    };
    if c.status != Status::Draft {
        return Ok(Err(Refused::NotDraft));
    }
    let Ok((opens, closes)) = c.file.times(now) else {
        return Ok(Err(Refused::Times));
    };
    if closes <= now {
        return Ok(Err(Refused::ClosingTimePassed));
    }
    let link = page.unwrap_or_default();
    tx.open_consultation(id, opens, closes, link).await?;
    let body: String = c.file.summary.chars().take(MAX_BODY_CHARS).collect();
    let notice = NewNotice {
        texts: [(
            "vi".to_owned(),
            NoticeText {
                title: c.file.title.clone(),
                body,
            },
        )]
        .into(),
        issuer: c.file.issuer.clone(),
        link: link.to_owned(),
        roles: c.file.target.roles.clone(),
        languages: c.file.target.languages.clone(),
        send_at: Some(opens),
        consultation: Some(id),
        ..NewNotice::to_units("", "", c.unit_ids.clone())
    };
    let notice = tx.create_notice(&notice).await?;
    let at = tx.schedule_notice(notice, now).await?.unwrap_or(now);
    Ok(Ok((notice, at)))
}

pub async fn close(
    tx: &mut Tx,
    by: By<'_>,
    id: i64,
    units: &UnitDirectory,
) -> anyhow::Result<Result<(), Refused>> {
    if let Err(refused) = runnable(tx, by, id, units).await? {
        return Ok(Err(refused));
    }
    Ok(match tx.close_consultation(id).await? {
        true => Ok(()),
        false => Err(Refused::NotOpen),
    })
}

/// Opinions gathered at a meeting in `meeting.unit_id`, kept beside the chat's: by someone who may
/// send notices there, on parts the draft has, no part with more opinions than people present.
pub async fn add_meeting(
    tx: &mut Tx,
    by: By<'_>,
    id: i64,
    meeting: &Meeting,
    units: &UnitDirectory,
) -> anyhow::Result<Result<i64, Refused>> {
    let c = match tx.consultation(id).await? {
        Some((c, _))
            if by.allows(
                Action::Notify {
                    unit_id: meeting.unit_id,
                },
                units,
            ) =>
        {
            c
        }
        _ => return Ok(Err(Refused::NotFound)),
    };
    let reaches = c
        .unit_ids
        .iter()
        .any(|&t| units.is_within(meeting.unit_id, t));
    let sound = meeting.parts.iter().all(|(part, tally, summary)| {
        c.part(*part).is_some()
            && tally.opinions() <= i64::from(meeting.attendance)
            && summary.chars().count() <= MAX_PART_CHARS
    });
    if !reaches || !sound || meeting.parts.is_empty() {
        return Ok(Err(Refused::BadMeeting));
    }
    Ok(Ok(tx.add_meeting(id, meeting, &by.label()).await?))
}

/// A consultation's results within a scope: per part, per unit directly below the scope, in all,
/// and the meetings' figures apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub consultation: Consultation,
    /// The page of the whole draft ('' when none).
    pub link: String,
    pub scope: i64,
    /// Tally of each part (index 0 is part 1) in the scope.
    pub parts: Vec<Tally>,
    /// (unit, people who answered, tally over all parts), for each unit directly below the scope
    /// that has any.
    pub units: Vec<(i64, i64, Tally)>,
    pub total: Tally,
    pub people: i64,
    /// Meetings in the scope: their parts' tallies summed, and how many people took part.
    pub meeting_parts: Vec<Tally>,
    pub meetings: Vec<Meeting>,
}

impl Results {
    /// "Tổng hợp được N ý kiến của M người, trong đó X% tán thành…"
    pub fn sentence(&self) -> Msg {
        summary_sentence(&self.total, self.people)
    }

    pub fn attendance(&self) -> i64 {
        self.meetings.iter().map(|m| i64::from(m.attendance)).sum()
    }
}

/// The results of `id` within `scope` (a unit, with everything below it), if `by` may oversee it
/// and the consultation reaches it.
pub async fn results(
    store: &Store,
    by: By<'_>,
    id: i64,
    scope: i64,
    units: &UnitDirectory,
) -> anyhow::Result<Option<Results>> {
    // The three reads go side by side, before the access check: one round trip's wait instead of
    // three, and nothing read is shown unless the check passes.
    let below = units.below(scope);
    let (found, counts, meetings) = tokio::try_join!(
        store.consultation(id),
        store.consultation_scope_counts(id, scope, &below),
        store.meetings(id)
    )?;
    let Some((consultation, link)) = found else {
        return Ok(None);
    };
    let reaches = consultation
        .unit_ids
        .iter()
        .any(|&t| units.is_within(t, scope) || units.is_within(scope, t));
    if !reaches || !by.allows(Action::Oversee { unit_id: scope }, units) {
        return Ok(None);
    }
    let meetings: Vec<Meeting> = meetings
        .into_iter()
        .filter(|m| units.is_within(m.unit_id, scope))
        .collect();
    Ok(Some(tally(
        consultation,
        link,
        scope,
        &counts,
        meetings,
        units,
    )))
}

/// The kept counts gathered into the scope's parts and units.
fn tally(
    consultation: Consultation,
    link: String,
    scope: i64,
    counts: &Counts,
    meetings: Vec<Meeting>,
    units: &UnitDirectory,
) -> Results {
    let n = consultation.file.parts.len();
    // The scope's rows hold everything within it, part by part and in all (part 0); part 0 of
    // each unit below it holds that unit's.
    let mut parts = vec![Tally::default(); n];
    let mut by_unit: BTreeMap<i64, (i64, Tally)> = BTreeMap::new();
    let mut total = Tally::default();
    for (&(part, unit), tally) in &counts.parts {
        if unit != scope {
            if part == 0 {
                by_unit.entry(unit).or_default().1 += *tally;
            }
        } else if part == 0 {
            total += *tally;
        } else if let Some(p) = usize::try_from(part)
            .ok()
            .and_then(|p| parts.get_mut(p.checked_sub(1)?))
        {
            *p += *tally;
        }
    }
    let mut people = 0;
    for (&unit, &count) in &counts.people {
        if unit == scope {
            people += count;
        } else {
            by_unit.entry(unit).or_default().0 += count;
        }
    }
    // A commune's results list the commune itself.
    if units.below(scope).is_empty() && (people != 0 || total != Tally::default()) {
        by_unit.insert(scope, (people, total));
    }
    let mut by_unit: Vec<(i64, i64, Tally)> = by_unit
        .into_iter()
        .map(|(unit, (people, tally))| (unit, people, tally))
        .collect();
    units.sort_by_name(&mut by_unit, |row| row.0);
    let mut meeting_parts = vec![Tally::default(); n];
    for m in &meetings {
        for (part, t, _) in &m.parts {
            if let Some(p) = usize::try_from(*part)
                .ok()
                .and_then(|p| meeting_parts.get_mut(p - 1))
            {
                *p += *t;
            }
        }
    }
    Results {
        consultation,
        link,
        scope,
        parts,
        units: by_unit,
        total,
        people,
        meeting_parts,
        meetings,
    }
}

/// The results as lines to read: the summary sentence, each part, each unit, and the meetings
/// apart.
pub fn results_lines(r: &Results, units: &UnitDirectory) -> Vec<Msg> {
    let share = |n: i64, of: i64| crate::domain::consultation::percent(n, of);
    let scope = units.by_id(r.scope).map_or("", |u| u.name.as_str());
    let mut lines = vec![
        Msg::new("consult-results-title")
            .text("title", &r.consultation.file.title)
            .text("scope", scope),
        r.sentence(),
    ];
    for (part, t) in r.consultation.file.parts.iter().zip(&r.parts) {
        let of = t.opinions();
        lines.push(
            Msg::new("consult-results-part")
                .text("label", &part.label)
                .number("agree", t.agree)
                .number("agree_share", share(t.agree, of))
                .number("disagree", t.disagree)
                .number("disagree_share", share(t.disagree, of))
                .number("other", t.other)
                .number("other_share", share(t.other, of))
                .number("comments", t.comments),
        );
    }
    for (unit, people, t) in &r.units {
        lines.push(
            Msg::new("consult-results-unit")
                .text("unit", units.by_id(*unit).map_or("", |u| u.name.as_str()))
                .number("people", *people)
                .number("opinions", t.opinions())
                .number("agree_share", share(t.agree, t.opinions())),
        );
    }
    if !r.meetings.is_empty() {
        lines.push(
            Msg::new("consult-results-meetings")
                .number("meetings", r.meetings.len() as i64)
                .number("attendance", r.attendance()),
        );
        for (part, t) in r.consultation.file.parts.iter().zip(&r.meeting_parts) {
            lines.push(
                Msg::new("consult-results-meeting-part")
                    .text("label", &part.label)
                    .number("agree", t.agree)
                    .number("disagree", t.disagree)
                    .number("other", t.other),
            );
        }
    }
    lines
}

/// The results as an official report of the scope's unit dated `today`, in `lang`: the lines of
/// [`results_lines`], then a table of the parts, each choice's count and share from chat, and
/// beside them (never added in) the meetings' counts.
pub fn results_document(
    r: &Results,
    units: &UnitDirectory,
    localizer: &Localizer,
    lang: Lang,
    today: NaiveDate,
) -> Official {
    let t = |msg: &Msg| localizer.render(msg, lang);
    let mut lines = results_lines(r, units).into_iter();
    let title = lines.next().expect("results begin with their title");
    let paragraphs = lines.map(|line| t(&line)).collect();
    let choices =
        ["agree", "disagree", "other"].map(|c| Msg::new("doc-consult-choice").text("choice", c));
    let mut header = vec![t(&Msg::new("web-consult-part"))];
    header.extend(choices.iter().map(t));
    let met = !r.meetings.is_empty();
    if met {
        header.extend(
            choices.map(|choice| t(&Msg::new("doc-consult-at-meetings").msg("choice", choice))),
        );
    }
    let rows = r
        .consultation
        .file
        .parts
        .iter()
        .zip(r.parts.iter().zip(&r.meeting_parts))
        .map(|(part, (chat, meeting))| {
            let of = chat.opinions();
            let mut row = vec![part.label.clone()];
            row.extend([chat.agree, chat.disagree, chat.other].map(|count| {
                t(&Msg::new("doc-consult-share")
                    .number("count", count)
                    .number("share", percent(count, of)))
            }));
            if met {
                row.extend(
                    [meeting.agree, meeting.disagree, meeting.other]
                        .map(|count| format_number(count as f64, lang)),
                );
            }
            row
        })
        .collect();
    let scope = units.by_id(r.scope).expect("the results' scope is a unit");
    Official {
        table: Some(Grid {
            header,
            rows,
            numbers_from: 1,
        }),
        ..Official::report(localizer, lang, scope, today, &title, paragraphs)
    }
}

/// CSV (UTF-8 with BOM): one row per part and unit from chat, then one per part and meeting, the
/// source named in each row so the two are never summed by mistake.
pub fn results_csv(r: &Results, counts: &Counts, units: &UnitDirectory) -> anyhow::Result<String> {
    let header = [
        "source",
        "part",
        "unit_code",
        "unit",
        "date",
        "place",
        "attendance",
        "agree",
        "disagree",
        "other",
        "comments",
        "summary",
    ];
    let label = |part: i16| r.consultation.part(part).map_or("", |p| p.label.as_str());
    let mut rows = Vec::new();
    // Part 0 is every part's total, which the rows of parts already say.
    for (&(part, unit), t) in counts.parts.iter().filter(|((part, _), _)| *part > 0) {
        let Some(u) = units.by_id(unit).filter(|u| units.is_within(u.id, r.scope)) else {
            continue;
        };
        rows.push(vec![
            "chat".to_owned(),
            label(part).to_owned(),
            u.code.clone(),
            u.name.clone(),
            String::new(),
            String::new(),
            String::new(),
            t.agree.to_string(),
            t.disagree.to_string(),
            t.other.to_string(),
            t.comments.to_string(),
            String::new(),
        ]);
    }
    for m in &r.meetings {
        let u = units.by_id(m.unit_id);
        for (part, t, summary) in &m.parts {
            rows.push(vec![
                "meeting".to_owned(),
                label(*part).to_owned(),
                u.map_or(String::new(), |u| u.code.clone()),
                u.map_or(String::new(), |u| u.name.clone()),
                m.held_on.to_string(),
                m.place.clone(),
                m.attendance.to_string(),
                t.agree.to_string(),
                t.disagree.to_string(),
                t.other.to_string(),
                String::new(),
                summary.clone(),
            ]);
        }
    }
    crate::domain::report::csv_with_bom(&header, &rows)
}
