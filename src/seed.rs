//! The demo seed: Hưng Yên province and its communes, from the official 2026 list built into the
//! binary, with their former names and boundaries, loaded when the database has no units yet.

use crate::domain::boundaries::parse_feature_collection;
use crate::domain::former::parse_merger_map;
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
        .import_units(&province, "demo seed (Hưng Yên, 2026-07)", false)
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
