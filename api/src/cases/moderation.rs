//! Screening what residents write: the county's word list always, WeChat's msg_sec_check too
//! when WeChat is configured. Moderation never blocks a resident because a check is down.

use std::time::Duration;

use liaison_domain::moderation::{Verdict, WordList};
use liaison_infra::wechat::{Suggest, WechatClient};

use crate::settings::ModerationSettings;

/// What screening needs: the county's word lists and, when WeChat is configured, its client
/// and how long the resident may wait for it.
#[derive(Clone, Copy)]
pub struct Screening<'a> {
    pub words: &'a ModerationSettings,
    pub wechat: Option<&'a WechatClient>,
    pub wechat_timeout: Duration,
}

/// The worst verdict on `texts` (say a case's title and description) from the local word
/// list and, when WeChat is configured and the resident's `openid` is known, from WeChat.
///
/// The word list is built on each call rather than cached: it is a few hundred short words
/// at most, cheap next to the database writes that follow, and always matches the settings.
pub async fn screen(screening: &Screening<'_>, openid: Option<&str>, texts: &[&str]) -> Verdict {
    let settings = screening.words;
    let words = WordList::new(&settings.risky_words, &settings.review_words);
    let local = local_verdict(&words, texts);
    let remote = match (screening.wechat, openid, joined(texts)) {
        (Some(wechat), Some(openid), Some(content)) => {
            ask_wechat(wechat, openid, &content, screening.wechat_timeout).await
        }
        _ => None,
    };
    combine(local, remote)
}

/// The texts WeChat sees, in one piece. Asking once per case rather than once per text
/// spends one unit of the app-wide quota (4000 a minute) instead of several, keeps the
/// resident waiting on one round trip rather than several, and lets WeChat read the title
/// together with the description it belongs to. Blank texts are left out; `None` when
/// nothing is left to ask about.
fn joined(texts: &[&str]) -> Option<String> {
    let kept: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|text| !text.trim().is_empty())
        .collect();
    (!kept.is_empty()).then(|| kept.join("\n"))
}

/// WeChat's verdict, or `None` when it cannot give one in time. The whole check, token
/// refresh and retry included, gets one WeChat timeout: past that the resident has waited
/// long enough and the local word list decides alone.
async fn ask_wechat(
    wechat: &WechatClient,
    openid: &str,
    content: &str,
    deadline: Duration,
) -> Option<Verdict> {
    // Neither the text nor the openid is logged: both belong to the resident.
    match tokio::time::timeout(deadline, wechat.check_text(openid, content)).await {
        Ok(Ok(check)) => Some(from_suggest(check.suggest)),
        Ok(Err(error)) => {
            tracing::warn!(%error, "content check unavailable, the local word list decides");
            None
        }
        Err(_) => {
            tracing::warn!(
                error = "timed out",
                "content check unavailable, the local word list decides"
            );
            None
        }
    }
}

fn local_verdict(words: &WordList, texts: &[&str]) -> Verdict {
    texts
        .iter()
        .map(|text| words.screen(text))
        .max()
        .unwrap_or(Verdict::Pass)
}

fn from_suggest(suggest: Suggest) -> Verdict {
    match suggest {
        Suggest::Pass => Verdict::Pass,
        Suggest::Review => Verdict::Review,
        Suggest::Risky => Verdict::Risky,
    }
}

/// The local list always counts, so a word the county lists is refused even when WeChat
/// passes it; without WeChat's verdict the local one stands alone.
fn combine(local: Verdict, remote: Option<Verdict>) -> Verdict {
    remote.map_or(local, |remote| remote.max(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(risky: &[&str], review: &[&str]) -> WordList {
        let owned = |items: &[&str]| -> Vec<String> {
            items.iter().map(|item| (*item).to_owned()).collect()
        };
        WordList::new(&owned(risky), &owned(review))
    }

    #[test]
    fn the_worst_of_both_wins() {
        use Verdict::{Pass, Review, Risky};
        let cases = [
            (Pass, Some(Pass), Pass),
            (Pass, Some(Review), Review),
            (Pass, Some(Risky), Risky),
            (Review, Some(Pass), Review),
            (Risky, Some(Pass), Risky),
            (Risky, Some(Review), Risky),
            (Review, Some(Risky), Risky),
        ];
        for (local, remote, expected) in cases {
            assert_eq!(combine(local, remote), expected, "{local:?} {remote:?}");
        }
    }

    #[test]
    fn without_wechat_the_local_list_decides() {
        assert_eq!(combine(Verdict::Pass, None), Verdict::Pass);
        assert_eq!(combine(Verdict::Review, None), Verdict::Review);
        assert_eq!(combine(Verdict::Risky, None), Verdict::Risky);
    }

    #[test]
    fn suggest_maps_to_the_same_verdict() {
        assert_eq!(from_suggest(Suggest::Pass), Verdict::Pass);
        assert_eq!(from_suggest(Suggest::Review), Verdict::Review);
        assert_eq!(from_suggest(Suggest::Risky), Verdict::Risky);
    }

    #[test]
    fn the_local_verdict_is_the_worst_text() {
        let list = words(&["赌博"], &["拆迁"]);
        assert_eq!(local_verdict(&list, &[]), Verdict::Pass);
        assert_eq!(local_verdict(&list, &["路灯坏了", "修一下"]), Verdict::Pass);
        assert_eq!(local_verdict(&list, &["拆迁", "路灯"]), Verdict::Review);
        assert_eq!(local_verdict(&list, &["拆迁", "赌 博"]), Verdict::Risky);
    }

    #[test]
    fn blank_texts_are_not_sent() {
        assert_eq!(joined(&[]), None);
        assert_eq!(joined(&["", "  \n"]), None);
        assert_eq!(
            joined(&["路灯坏了", " ", "村口三盏都不亮"]).as_deref(),
            Some("路灯坏了\n村口三盏都不亮")
        );
    }
}
