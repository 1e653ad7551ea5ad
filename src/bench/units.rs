//! `bench units`: place lookups over the whole country, in memory, as the engine runs them. Each
//! figure is printed next to a brute-force baseline measured in the same run: every name compared
//! by edit distance, every boundary tested for the point.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use geo::{Intersects, MultiPolygon, Point};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::boundaries::{Boundaries, area, parse_feature_collection};
use crate::domain::former::{FormerName, parse_merger_map, plan_former};
use crate::domain::text::fold;
use crate::domain::unit_directory::{Found, Hit, MAX_CHOICES, UnitDirectory};
use crate::domain::units::{Unit, parse_unit_list};
use crate::seed::{HUNG_YEN_BOUNDARIES, MERGER_MAP_2025, UNIT_LIST_2026};

/// Hưng Yên's bounding box, where random points are drawn (latitude, longitude).
const AREA: ((f64, f64), (f64, f64)) = ((20.45, 21.05), (105.85, 106.65));

pub fn run(queries: usize, points: usize) -> anyhow::Result<()> {
    let (units, formers) = country()?;
    let communes = former_communes(&units, &formers);
    // Every name a resident may type, with the unit it should lead to.
    let names: Vec<(String, i64)> = units
        .iter()
        .filter(|u| u.parent_id.is_some())
        .map(|u| (u.name.clone(), u.id))
        .chain(formers.iter().map(|f| (f.name.clone(), f.unit_id)))
        .collect();
    let by_code: HashMap<&str, i64> = units.iter().map(|u| (u.code.as_str(), u.id)).collect();
    let shapes: Vec<(i64, MultiPolygon<f64>)> = parse_feature_collection(HUNG_YEN_BOUNDARIES)?
        .into_iter()
        .filter_map(|(code, geometry)| Some((*by_code.get(code.as_str())?, area(&geometry).ok()?)))
        .collect();
    let started = Instant::now();
    let directory = UnitDirectory::new(units.clone())
        .with_former(formers)
        .with_boundaries(Boundaries::new(shapes.clone()));
    println!(
        "units: {} communes, {} former names, {} boundaries; directory built in {:.0} ms",
        units.iter().filter(|u| u.parent_id.is_some()).count(),
        directory.former_count(),
        shapes.len(),
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut rng = StdRng::seed_from_u64(7);
    let typed: Vec<(String, i64)> = (0..queries)
        .map(|_| {
            let (name, unit) = &names[rng.random_range(0..names.len())];
            (as_typed(name, &mut rng), *unit)
        })
        .collect();
    let (rate, p99) = measure(&typed, |(q, _)| directory.find(q));
    let at_once = typed
        .iter()
        .filter(|(q, unit)| {
            offered(&directory.find(q))
                .iter()
                .any(|h| h.unit.id == *unit)
        })
        .count();
    println!("typed lookups (no diacritics, diacritics, typos; current and former names):");
    println!("  danvan:      {rate:>10.0} lookups/s, p99 {p99:.1} µs (target ≥ 10,000/s)");
    println!(
        "  offered:     the place meant at once, for {:.1}% of them (not: former names that are a\n               current name elsewhere, more than {MAX_CHOICES} namesakes, typos in short names)",
        100.0 * at_once as f64 / typed.len() as f64
    );
    let folded: Vec<String> = names.iter().map(|(n, _)| fold(n)).collect();
    let sample = &typed[..typed.len().min(500)];
    let (brute, _) = measure(sample, |(q, _)| {
        let q = fold(q);
        folded.iter().map(|n| strsim::osa_distance(&q, n)).min()
    });
    println!(
        "  baseline:    {brute:>10.0} lookups/s (edit distance to every name) → ×{:.0}",
        rate / brute
    );

    let (mut at_once, mut retried) = (0, 0);
    for commune in &communes {
        match reach(&directory, commune) {
            Reach::AtOnce => at_once += 1,
            Reach::AfterRetry => retried += 1,
            Reach::Lost => {}
        }
    }
    let share = |n: usize| 100.0 * n as f64 / communes.len() as f64;
    println!(
        "former communes typed without diacritics (all {}, no home unit):",
        communes.len()
    );
    println!(
        "  at once:     {:.1}% offered the commune they are now (part of)",
        share(at_once)
    );
    println!(
        "  ≤ 1 retry:   {:.1}% at once, after one \"no\" or after naming their province (target ≥ 95%)",
        share(at_once + retried)
    );

    let located: Vec<(f64, f64)> = (0..points)
        .map(|_| {
            (
                rng.random_range(AREA.0.0..AREA.0.1),
                rng.random_range(AREA.1.0..AREA.1.1),
            )
        })
        .collect();
    let (rate, p99) = measure(&located, |&(lat, lon)| directory.locate(lat, lon).len());
    let inside = located
        .iter()
        .filter(|&&(lat, lon)| !directory.locate(lat, lon).is_empty())
        .count();
    println!(
        "point lookups ({} random points around Hưng Yên, {:.0}% inside a commune):",
        points,
        100.0 * inside as f64 / points as f64
    );
    println!("  danvan:      {rate:>10.0} lookups/s, p99 {p99:.1} µs (target ≥ 50,000/s)");
    let (brute, _) = measure(&located[..located.len().min(5_000)], |&(lat, lon)| {
        let point = Point::new(lon, lat);
        shapes.iter().filter(|(_, s)| s.intersects(&point)).count()
    });
    println!(
        "  baseline:    {brute:>10.0} lookups/s (every boundary tested) → ×{:.1}",
        rate / brute
    );
    Ok(())
}

/// A former commune: its name as typed without diacritics, the communes it is now (part of: a
/// commune split in the merger went to several), and its province's name.
struct FormerCommune {
    typed: String,
    now: Vec<i64>,
    province: String,
}

/// Every former commune once. The merger map links a split commune to each of its parts (partly);
/// two communes of one name in one province, each whole, stay two.
fn former_communes(units: &[Unit], formers: &[FormerName]) -> Vec<FormerCommune> {
    let by_id: HashMap<i64, &Unit> = units.iter().map(|u| (u.id, u)).collect();
    let province_of = |id: i64| {
        let mut unit = by_id[&id];
        while let Some(parent) = unit.parent_id {
            unit = by_id[&parent];
        }
        unit
    };
    let mut links: HashMap<(&str, Option<&str>, i64), Vec<&FormerName>> = HashMap::new();
    for former in formers {
        let key = (
            former.name.as_str(),
            former.district.as_deref(),
            province_of(former.unit_id).id,
        );
        links.entry(key).or_default().push(former);
    }
    let mut communes: Vec<FormerCommune> = Vec::new();
    for ((name, _, province), links) in links {
        let commune = |now: Vec<i64>| FormerCommune {
            typed: fold(name),
            now,
            province: by_id[&province].name.clone(),
        };
        if links.iter().any(|l| l.partial) {
            communes.push(commune(links.iter().map(|l| l.unit_id).collect()));
        } else {
            communes.extend(links.iter().map(|l| commune(vec![l.unit_id])));
        }
    }
    communes.sort_by(|a, b| (&a.typed, &a.now).cmp(&(&b.typed, &b.now)));
    communes
}

enum Reach {
    AtOnce,
    /// After one "no" (or the same name typed again), or after naming the province when asked.
    AfterRetry,
    Lost,
}

/// How soon a resident of the former commune who types its name reaches where they live now,
/// answering as the bot asks: "no" to a wrong place, the province when asked where.
fn reach(directory: &UnitDirectory, commune: &FormerCommune) -> Reach {
    let reaches = |found: &Found| {
        offered(found)
            .iter()
            .any(|h| commune.now.contains(&h.unit.id))
    };
    let within = |passed: &[String]| {
        directory
            .find_within(&commune.typed, passed, &commune.province)
            .map_or(Found::Nothing, |(found, _)| found)
    };
    let first = directory.find(&commune.typed);
    if reaches(&first) {
        return Reach::AtOnce;
    }
    let passed: Vec<String> = offered(&first)
        .iter()
        .map(|h| h.unit.code.clone())
        .collect();
    let next = match first {
        Found::Widespread(_) => within(&passed),
        _ => match directory.find_except(&commune.typed, &passed) {
            Found::Widespread(_) => within(&passed),
            found => found,
        },
    };
    match reaches(&next) {
        true => Reach::AfterRetry,
        false => Reach::Lost,
    }
}

/// The places a resident is offered, to confirm or pick from.
fn offered<'a>(found: &Found<'a>) -> Vec<Hit<'a>> {
    match found {
        Found::One(hit) => vec![*hit],
        Found::Several(hits) | Found::Suggestions(hits) => hits.clone(),
        Found::Widespread(_) | Found::Nothing => vec![],
    }
}

/// All units with ids as a database would give them, and every former name linked.
fn country() -> anyhow::Result<(Vec<Unit>, Vec<FormerName>)> {
    let records = parse_unit_list(UNIT_LIST_2026)?;
    let ids: HashMap<String, i64> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.clone(), i as i64 + 1))
        .collect();
    let units: Vec<Unit> = records
        .into_iter()
        .map(|r| Unit {
            id: ids[&r.code],
            parent_id: r.parent_code.as_ref().map(|p| ids[p]),
            code: r.code,
            name: r.name,
            name_en: r.name_en,
            division_type: r.division_type,
            retired: false,
        })
        .collect();
    let plan = plan_former(&parse_merger_map(MERGER_MAP_2025)?, &units);
    let formers = plan
        .links
        .into_iter()
        .map(|l| FormerName {
            unit_id: ids[&l.code],
            name: l.name,
            district: l.district,
            partial: l.partial,
        })
        .collect();
    Ok((units, formers))
}

/// A name as a resident might type it: a third without diacritics, a third as written, a third
/// with two letters swapped.
fn as_typed(name: &str, rng: &mut StdRng) -> String {
    match rng.random_range(0..3) {
        0 => fold(name),
        1 => name.to_owned(),
        _ => {
            let mut chars: Vec<char> = fold(name).chars().collect();
            if chars.len() > 4 {
                let i = rng.random_range(1..chars.len() - 1);
                chars.swap(i, i + 1);
            }
            chars.into_iter().collect()
        }
    }
}

/// Runs `f` over every input on this thread; (calls per second, p99 latency in µs).
fn measure<T, R>(inputs: &[T], mut f: impl FnMut(&T) -> R) -> (f64, f64) {
    let mut latencies: Vec<Duration> = Vec::with_capacity(inputs.len());
    let started = Instant::now();
    for input in inputs {
        let one = Instant::now();
        std::hint::black_box(f(input));
        latencies.push(one.elapsed());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    (inputs.len() as f64 / elapsed, p99.as_secs_f64() * 1e6)
}
