//! Who is acting: a role and the part of the organisation it covers.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// What a user is to the system; a token carries exactly one.
    Role, "role" {
        Resident => "resident",
        Deputy => "deputy",
        StationAdmin => "station_admin",
        Handler => "handler",
        TownshipAdmin => "township_admin",
        CountyAdmin => "county_admin",
    }
);

impl Role {
    /// Staff log in with phone and password; residents come from the mini-program.
    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }

    /// Admins run the organisation: county admins their county, township admins the stations
    /// of their township, station admins their stations.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::CountyAdmin | Role::TownshipAdmin | Role::StationAdmin
        )
    }

    /// Admins whose reach is a list of stations (their own, or every station of a township),
    /// not a whole county.
    pub fn runs_stations(self) -> bool {
        matches!(self, Role::TownshipAdmin | Role::StationAdmin)
    }
}

/// The caller of a use-case, as the server re-reads it from the database on every request: a
/// token says who, the database says what they cover now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// The county every staff member works in; residents have none.
    pub county_id: Option<i64>,
    /// Stations a station admin runs, every station of a township admin's township, or the
    /// stations a deputy sits at.
    pub station_ids: Vec<i64>,
    /// The township region a township admin runs.
    pub township_id: Option<i64>,
    /// The department of a handler.
    pub department_id: Option<i64>,
    /// The deputy record a deputy account is tied to.
    pub deputy_id: Option<i64>,
}

impl Actor {
    pub fn covers_station(&self, station_id: i64) -> bool {
        self.station_ids.contains(&station_id)
    }

    pub fn in_county(&self, county_id: i64) -> bool {
        self.county_id == Some(county_id)
    }

    /// Whether this is the admin of township `township_id`.
    pub fn runs_township(&self, township_id: i64) -> bool {
        self.role == Role::TownshipAdmin && self.township_id == Some(township_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_township_and_station_admins_are_admins() {
        let admins: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.is_admin()).collect();
        assert_eq!(
            admins,
            [Role::StationAdmin, Role::TownshipAdmin, Role::CountyAdmin]
        );
        let by_stations: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.runs_stations())
            .collect();
        assert_eq!(by_stations, [Role::StationAdmin, Role::TownshipAdmin]);
    }

    #[test]
    fn only_residents_are_not_staff() {
        for role in Role::ALL {
            assert_eq!(role.is_staff(), *role != Role::Resident);
        }
    }
}
