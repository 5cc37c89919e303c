//! Who is acting: a role and the part of the organisation it covers.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// What a user is to the system; a token carries exactly one.
    Role, "role" {
        Resident => "resident",
        Deputy => "deputy",
        StationAdmin => "station_admin",
        Handler => "handler",
        CountyAdmin => "county_admin",
    }
);

impl Role {
    /// Staff log in with phone and password; residents come from the mini-program.
    pub fn is_staff(self) -> bool {
        self != Role::Resident
    }

    /// Admins run the organisation: county admins their county, station admins their stations.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::CountyAdmin | Role::StationAdmin)
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
    /// Stations a station admin runs, or stations a deputy sits at.
    pub station_ids: Vec<i64>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_county_and_station_admins_are_admins() {
        let admins: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.is_admin()).collect();
        assert_eq!(admins, [Role::StationAdmin, Role::CountyAdmin]);
    }

    #[test]
    fn only_residents_are_not_staff() {
        for role in Role::ALL {
            assert_eq!(role.is_staff(), *role != Role::Resident);
        }
    }
}
