//! Receptions (接待活动): one sitting at a station, with who was there and how many came.

use crate::text::bounded;
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// 坐班 / 接待日 / 赶集日 / 视察 / 座谈 / 走访.
    ReceptionKind, "kind" {
        Duty => "duty",
        ReceptionDay => "reception_day",
        MarketDay => "market_day",
        OfficialVisit => "official_visit",
        Meeting => "meeting",
        Visit => "visit",
    }
);

/// An official present at a reception: a person and the body they came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Official {
    pub name: String,
    pub body: String,
}

/// At most this many officials are listed for one reception; more is a typing accident.
pub const MAX_OFFICIALS: usize = 50;
/// More visitors than this at one sitting is a typing accident (a market day draws hundreds).
pub const MAX_VISITORS: i64 = 100_000;

/// The officials present, each with a name and a body, trimmed.
pub fn officials(list: &[Official]) -> Result<Vec<Official>, Invalid> {
    if list.len() > MAX_OFFICIALS {
        return Err(Invalid::one(
            "officials",
            "too_many",
            format!("at most {MAX_OFFICIALS} officials"),
        ));
    }
    let mut parsed = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (index, official) in list.iter().enumerate() {
        let name = bounded(&format!("officials[{index}].name"), &official.name, 1, 64);
        let body = bounded(&format!("officials[{index}].body"), &official.body, 1, 64);
        match (name, body) {
            (Ok(name), Ok(body)) => parsed.push(Official { name, body }),
            (name, body) => errors.extend([name.err(), body.err()].into_iter().flatten()),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(Invalid::merge(errors.into_iter().map(Some)))
    }
}

/// The visitors counted: none or more, never negative.
pub fn visitors(count: i64) -> Result<i64, Invalid> {
    if (0..=MAX_VISITORS).contains(&count) {
        Ok(count)
    } else {
        Err(Invalid::one(
            "visitors",
            "out_of_range",
            format!("visitors must be between 0 and {MAX_VISITORS}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(name: &str, body: &str) -> Official {
        Official {
            name: name.to_owned(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn kinds_round_trip() {
        for kind in ReceptionKind::ALL {
            assert_eq!(ReceptionKind::parse(kind.as_str()).unwrap(), *kind);
        }
        assert!(ReceptionKind::parse("party").is_err());
    }

    #[test]
    fn officials_need_a_name_and_a_body() {
        let ok = officials(&[official(" 王局长 ", "县交通运输局")]).unwrap();
        assert_eq!(ok, [official("王局长", "县交通运输局")]);
        let err = officials(&[official("王局长", ""), official("", "")]).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "officials[0].body",
                "officials[1].name",
                "officials[1].body"
            ]
        );
        let many = vec![official("a", "b"); MAX_OFFICIALS + 1];
        assert_eq!(officials(&many).unwrap_err().0[0].code, "too_many");
    }

    #[test]
    fn visitors_are_never_negative() {
        assert_eq!(visitors(0).unwrap(), 0);
        assert_eq!(visitors(-1).unwrap_err().0[0].field, "visitors");
        assert!(visitors(MAX_VISITORS + 1).is_err());
    }
}
