//! How a unit is named to people: with its province, unless it is one.

use super::unit_directory::UnitDirectory;
use super::units::Unit;
use crate::message::Msg;

/// "Xã Tiên Lữ, Tỉnh Hưng Yên"
pub fn unit_label(units: &UnitDirectory, unit: &Unit) -> Msg {
    let province = units.province_of(unit);
    if province.id == unit.id {
        return Msg::new("unit-name").text("name", &unit.name);
    }
    Msg::new("unit-in-province")
        .text("name", &unit.name)
        .text("province", &province.name)
}

/// The unit's label, or "no unit" for one no longer in the directory.
pub fn unit_label_by_id(units: &UnitDirectory, unit_id: i64) -> Msg {
    units
        .by_id(unit_id)
        .map(|u| unit_label(units, u))
        .unwrap_or(Msg::new("mydata-no-unit"))
}
