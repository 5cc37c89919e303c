//! Liaison stations: the places where deputies meet residents.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// 联络站 / 联络点 / 代表之家 / 代表工作室.
    StationKind, "kind" {
        Station => "station",
        Point => "point",
        Home => "home",
        Studio => "studio",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in StationKind::ALL {
            assert_eq!(StationKind::parse(kind.as_str()).unwrap(), *kind);
        }
        assert!(StationKind::parse("office").is_err());
    }
}

/// Where a station is, in WGS-84 degrees (the mini-program's map opens it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

impl Location {
    pub fn parse(latitude: f64, longitude: f64) -> Result<Self, crate::Invalid> {
        let lat_ok = latitude.is_finite() && (-90.0..=90.0).contains(&latitude);
        let lon_ok = longitude.is_finite() && (-180.0..=180.0).contains(&longitude);
        crate::Invalid::collect([
            if lat_ok {
                Ok(())
            } else {
                Err(crate::Invalid::one(
                    "location.latitude",
                    "out_of_range",
                    "latitude must be between -90 and 90",
                ))
            },
            if lon_ok {
                Ok(())
            } else {
                Err(crate::Invalid::one(
                    "location.longitude",
                    "out_of_range",
                    "longitude must be between -180 and 180",
                ))
            },
        ])?;
        Ok(Self {
            latitude,
            longitude,
        })
    }
}

#[cfg(test)]
mod location_tests {
    use super::*;

    #[test]
    fn locations_stay_on_the_globe() {
        assert!(Location::parse(33.38, 114.02).is_ok());
        let e = Location::parse(91.0, 181.0).unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert!(Location::parse(f64::NAN, 0.0).is_err());
    }
}
