//! Commune boundaries, to find the commune a shared location falls in. Polygons are indexed by their
//! bounding boxes in an R-tree, so a lookup tests the exact shape of only the few communes whose box
//! holds the point, however many are loaded.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

type Indexed = GeomWithData<Rectangle<[f64; 2]>, usize>;

#[derive(Default)]
pub struct Boundaries {
    tree: RTree<Indexed>,
    shapes: Vec<(i64, MultiPolygon<f64>)>,
}

impl Boundaries {
    /// Unit ids with their boundaries (longitude, latitude, as GeoJSON has them).
    pub fn new(shapes: Vec<(i64, MultiPolygon<f64>)>) -> Self {
        let boxes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, (_, shape))| {
                let rect = shape.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners(rect.min().x_y().into(), rect.max().x_y().into()),
                    i,
                ))
            })
            .collect();
        Boundaries {
            tree: RTree::bulk_load(boxes),
            shapes,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Units whose boundary holds the point: none outside every known boundary, two or more on a
    /// shared border. In unit id order.
    pub fn locate(&self, latitude: f64, longitude: f64) -> Vec<i64> {
        let point = Point::new(longitude, latitude);
        let mut found: Vec<i64> = self
            .tree
            .locate_all_at_point(&[longitude, latitude])
            .map(|entry| &self.shapes[entry.data])
            .filter(|(_, shape)| shape.intersects(&point))
            .map(|(unit, _)| *unit)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeoError {
    #[error("not GeoJSON: {0}")]
    Json(String),
    #[error("expected a FeatureCollection")]
    NotACollection,
    #[error("feature {0} has no `code` property")]
    NoCode(usize),
    #[error("feature {0} is not a Polygon or MultiPolygon")]
    NotAnArea(String),
}

/// The features of a GeoJSON FeatureCollection as (unit code, geometry), checked to be areas.
pub fn parse_feature_collection(text: &str) -> Result<Vec<(String, serde_json::Value)>, GeoError> {
    let geojson: geojson::GeoJson = text.parse().map_err(|e| GeoError::Json(format!("{e}")))?;
    let geojson::GeoJson::FeatureCollection(collection) = geojson else {
        return Err(GeoError::NotACollection);
    };
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, feature)| {
            let code = match feature.property("code") {
                Some(serde_json::Value::String(code)) => code.clone(),
                Some(serde_json::Value::Number(code)) => code.to_string(),
                _ => return Err(GeoError::NoCode(i)),
            };
            let geometry = feature
                .geometry
                .ok_or_else(|| GeoError::NotAnArea(code.clone()))?;
            let value =
                serde_json::to_value(&geometry).map_err(|e| GeoError::Json(e.to_string()))?;
            area(&value).map_err(|_| GeoError::NotAnArea(code.clone()))?;
            Ok((code, value))
        })
        .collect()
}

/// A stored GeoJSON geometry as an area.
pub fn area(geometry: &serde_json::Value) -> Result<MultiPolygon<f64>, GeoError> {
    let geometry = geojson::Geometry::from_json_value(geometry.clone())
        .map_err(|e| GeoError::Json(e.to_string()))?;
    match geo::Geometry::<f64>::try_from(geometry) {
        Ok(geo::Geometry::MultiPolygon(shape)) => Ok(shape),
        Ok(geo::Geometry::Polygon(shape)) => Ok(MultiPolygon::new(vec![shape])),
        _ => Err(GeoError::NotAnArea(String::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    /// Two unit squares side by side: unit 1 on [0,1]×[0,1], unit 2 on [1,2]×[0,1].
    fn two_squares() -> Boundaries {
        let square = |x: f64| {
            MultiPolygon::new(vec![polygon![
                (x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0)
            ]])
        };
        Boundaries::new(vec![(1, square(0.0)), (2, square(1.0))])
    }

    #[test]
    fn a_point_inside_finds_its_unit_and_a_border_finds_both() {
        let b = two_squares();
        assert_eq!(b.locate(0.5, 0.5), [1]);
        assert_eq!(b.locate(0.5, 1.5), [2]);
        assert_eq!(b.locate(0.5, 1.0), [1, 2]);
        assert!(b.locate(0.5, 2.5).is_empty());
        assert!(b.locate(-0.5, 0.5).is_empty());
    }

    #[test]
    fn feature_collections_need_codes_and_areas() {
        let good = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"12745"},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        let features = parse_feature_collection(good).unwrap();
        assert_eq!(features[0].0, "12745");
        assert!(area(&features[0].1).is_ok());
        let point = good.replace(
            r#""type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]"#,
            r#""type":"Point","coordinates":[0,0]"#,
        );
        assert_eq!(
            parse_feature_collection(&point),
            Err(GeoError::NotAnArea("12745".into()))
        );
        assert_eq!(
            parse_feature_collection(&good.replace("\"code\"", "\"ma\"")),
            Err(GeoError::NoCode(0))
        );
    }
}
