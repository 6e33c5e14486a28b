//! How alike two stretches of key text are, for deciding whether a changed
//! row is one reworded sentence or a removal and an addition.

/// Similarity profile of a key: its units and unit bigrams, as sorted
/// codes. A unit is a Han character, a punctuation mark, or a whole word of
/// another script (lower-cased); spaces only separate units.
///
/// Dice over this multiset behaves well for short Chinese sentences (one
/// changed word in five characters still scores above 0.5) and for long
/// ones (two unrelated Chinese sentences share characters such as 的 and
/// 是, but few bigrams). Latin text is compared by words, word pairs and the
/// letter pairs inside words, not by single letters: unrelated English
/// sentences share most letters, but few words and fewer word pairs.
pub(crate) fn profile(key: &str) -> Vec<u32> {
    // Units first, then their bigrams, then the letter pairs.
    let mut out: Vec<u32> = Vec::with_capacity(key.len() + 2);
    let mut inner: Vec<u32> = Vec::new();
    let mut word: Option<u32> = None;
    let mut prev_letter: Option<u32> = None;
    for c in key.chars() {
        if !crate::chars::is_han(c) && crate::chars::is_word_char(c) {
            let lc = c.to_lowercase().next().unwrap_or(c) as u32;
            word = Some(word.unwrap_or(0x811C_9DC5).wrapping_mul(0x0100_0193) ^ lc);
            // Letter pairs inside words keep `123456`/`123457x` or
            // `communication`/`communications` similar.
            if let Some(p) = prev_letter {
                inner.push((p.wrapping_mul(0x2545_F491) ^ lc.rotate_left(7)) | 0xC000_0000);
            }
            prev_letter = Some(lc);
            continue;
        }
        prev_letter = None;
        if let Some(w) = word.take() {
            out.push(w | 0x4000_0000);
        }
        if c != ' ' {
            out.push(c as u32);
        }
    }
    if let Some(w) = word {
        out.push(w | 0x4000_0000);
    }
    for i in 1..out.len() {
        let (a, b) = (out[i - 1], out[i]);
        out.push((a.wrapping_mul(0x9E37_79B1) ^ b.rotate_left(13)) | 0x8000_0000);
    }
    out.append(&mut inner);
    out.sort_unstable();
    out
}

fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice similarity of two profiles.
pub(crate) fn dice(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * intersection(a, b) as f32 / (a.len() + b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> f32 {
        dice(&profile(a), &profile(b))
    }

    #[test]
    fn one_changed_word_keeps_a_sentence_similar() {
        assert!(sim("为各国企业在华投资兴业提供服务。", "为各国企业在中国投资兴业提供服务。") > 0.7);
        assert!(sim("123456", "123457x") >= 0.5);
        assert!(sim("countries should step up communication", "countries should start up communications") > 0.5);
    }

    #[test]
    fn unrelated_sentences_are_not_similar() {
        assert!(sim("今天天气很好。", "我们讨论互联网治理。") < 0.3);
        assert!(sim("the weather is fine today", "we discussed internet governance") < 0.3);
        assert_eq!(sim("", ""), 1.0);
    }
}
