//! A deputy's own code (代表码): scanning it shows the deputy's card at their first station,
//! and a case raised from it goes to that deputy whoever is on duty.

use liaison_domain::actor::Actor;
use liaison_domain::case::routing::{self, ToDeputy};
use liaison_domain::policy;
use liaison_domain::scene::SceneKind;
use sea_orm::ConnectionTrait;

use super::dto::Deputy;
use super::service::{find, get};
use crate::app_error::{AppError, AppResult};
use crate::codes::{self, Code, Codes};
use crate::stations::code::card as station_card;
use crate::stations::dto::ScanCard;

/// The code of a deputy, for the deputy themself and whoever administers one of their
/// stations; 404 for no such deputy, 403 for anyone else.
pub async fn describe(codes: &Codes<'_>, actor: &Actor, deputy_id: i64) -> AppResult<Code> {
    let (deputy, station_ids) = find(codes.db, deputy_id).await?;
    if !policy::may_read_deputy_code(actor, deputy.county_id, deputy.id, &station_ids) {
        return Err(AppError::Forbidden(
            "a deputy's code is for the deputy and the admins of their stations",
        ));
    }
    let image_url = format!("{}/api/v1/deputies/{deputy_id}/code.png", codes.base_url);
    Ok(codes::code_of(
        codes,
        SceneKind::Deputy,
        deputy.id,
        image_url,
    ))
}

/// What a deputy's printed code shows: the deputy, the station their cases are kept at (none
/// for a deputy at no station), and the code's image with its media type.
pub struct Printed {
    pub deputy: Deputy,
    pub station: Option<String>,
    pub image: Vec<u8>,
    pub image_type: &'static str,
}

/// The printed code of a deputy, for those [`describe`] lets read it.
pub async fn printed(codes: &Codes<'_>, actor: &Actor, deputy_id: i64) -> AppResult<Printed> {
    let code = describe(codes, actor, deputy_id).await?;
    let (image, image_type) = codes::picture(codes, &code).await?;
    let deputy = get(codes.db, deputy_id).await?;
    let station = match destination(codes.db, deputy_id).await? {
        Some(to) => codes
            .reference
            .station(codes.db, to.station_id)
            .await?
            .map(|s| s.name),
        None => None,
    };
    Ok(Printed {
        deputy,
        station,
        image,
        image_type,
    })
}

/// The printable image, as [`codes::picture`] draws it.
pub async fn image(
    codes: &Codes<'_>,
    actor: &Actor,
    deputy_id: i64,
) -> AppResult<(Vec<u8>, &'static str)> {
    let code = describe(codes, actor, deputy_id).await?;
    codes::picture(codes, &code).await
}

/// Where a case raised from the deputy's code goes (`routing::to_deputy`); `None` for a
/// deputy who sits at no station, or none at all.
pub async fn destination(db: &impl ConnectionTrait, deputy_id: i64) -> AppResult<Option<ToDeputy>> {
    match find(db, deputy_id).await {
        Ok((deputy, station_ids)) => Ok(routing::to_deputy(deputy.id, &station_ids)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The deputy and the card of their first station, where the cases raised from their code
/// are kept. A deputy at no station has none: not found, like an unknown one.
pub async fn at_first_station(codes: &Codes<'_>, deputy_id: i64) -> AppResult<(Deputy, ScanCard)> {
    let to = destination(codes.db, deputy_id)
        .await?
        .ok_or(AppError::NotFound("deputy"))?;
    let deputy = get(codes.db, to.assignee_id).await?;
    let card = station_card(codes, to.station_id).await?;
    Ok((deputy, card))
}

/// What a scan of the deputy's code shows: the card of their first station with the deputy
/// on it.
pub async fn card(codes: &Codes<'_>, deputy_id: i64) -> AppResult<ScanCard> {
    let (deputy, card) = at_first_station(codes, deputy_id).await?;
    Ok(ScanCard {
        deputy: Some(deputy),
        ..card
    })
}
