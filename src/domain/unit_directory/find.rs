//! Finding a typed place name: read as a name and where it says it is, matched exactly, by its
//! first words or despite typos, and ranked (namesakes, the home unit first).

use super::*;

impl UnitDirectory {
    /// Decides what to offer a resident who typed `query` as their commune or ward.
    pub fn find(&self, query: &str) -> Found<'_> {
        self.find_except(query, &[])
    }

    /// What to offer for `query` once the places with the codes `passed` were offered for it and
    /// turned down: the other places of that name, or [`Found::Widespread`] when they are more
    /// than [`MAX_CHOICES`].
    pub fn find_except(&self, query: &str, passed: &[String]) -> Found<'_> {
        self.decide(&self.read(query), passed)
    }

    /// The places named `query` where `place` says (a province, the commune one became part of or
    /// a former district), other than `passed`, and the name with that place, to look for again if
    /// these are turned down; None when `place` names no such place.
    pub fn find_within(
        &self,
        query: &str,
        passed: &[String],
        place: &str,
    ) -> Option<(Found<'_>, String)> {
        let place = self.read_keys(place);
        let folded = fold(&place);
        let words: Vec<&str> = folded.split(' ').collect();
        let (scope, said) = match self.scopes(&words).into_iter().next() {
            Some(scope) => (scope, place.trim().to_owned()),
            None => {
                let province = self.province_misspelt(&folded)?;
                let scope = vec![vec![Within::Province(province)]];
                (scope, self.units[province].name.clone())
            }
        };
        let mut reading = self.read(query);
        reading.scope.extend(scope);
        Some((self.decide(&reading, passed), format!("{query}, {said}")))
    }

    /// Every candidate place for `query`, best first, each place once (through its best name;
    /// its current name when a former one matches as well).
    pub fn rank(&self, query: &str) -> Vec<Hit<'_>> {
        let reading = self.read(query);
        let open = |n: &Name| reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        self.ordered(matched).iter().map(|m| self.hit(m)).collect()
    }

    fn decide(&self, reading: &Reading, passed: &[String]) -> Found<'_> {
        if reading.typed.folded.is_empty() {
            return Found::Nothing;
        }
        let passed: HashSet<usize> = passed
            .iter()
            .filter_map(|c| self.by_code.get(c).copied())
            .collect();
        let open = |n: &Name| !passed.contains(&n.unit) && reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        let exact: Vec<Match> = matched.iter().filter(|m| m.score == 1.0).copied().collect();
        if !exact.is_empty() {
            return self.among_namesakes(exact);
        }
        matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        let ranked: Vec<Hit> = self.ordered(matched).iter().map(|m| self.hit(m)).collect();
        let good: Vec<Hit> = ranked
            .iter()
            .filter(|h| h.score >= FUZZY_MATCH)
            .copied()
            .collect();
        match good.as_slice() {
            [] if ranked.first().is_some_and(|h| h.score >= SUGGESTION_FLOOR) => {
                Found::Suggestions(
                    ranked
                        .iter()
                        .take(3)
                        .filter(|h| h.score >= SUGGESTION_FLOOR)
                        .copied()
                        .collect(),
                )
            }
            [] => Found::Nothing,
            [only] => Found::One(*only),
            [first, second, ..] if first.score - second.score >= 0.08 => Found::One(*first),
            several => Found::Several(several.iter().take(MAX_CHOICES).copied().collect()),
        }
    }

    /// Places bearing the very name typed. Those whose tones or type differ from what was typed
    /// step back; then one alone ahead of the rest (in the home unit, by its current name) is
    /// asked about, all are offered when they fit, or else those in the home unit; beyond that,
    /// where the name is is asked.
    fn among_namesakes(&self, mut exact: Vec<Match>) -> Found<'_> {
        let best = exact.iter().map(|m| m.tier).min().unwrap_or_default();
        exact.retain(|m| m.tier == best);
        let exact = self.ordered(exact);
        let rank = |m: &Match| {
            let name = &self.names[m.name];
            (self.outside_home(name), name.former.is_some())
        };
        let ahead = exact
            .iter()
            .take_while(|m| rank(m) == rank(&exact[0]))
            .count();
        if ahead == 1 {
            return Found::One(self.hit(&exact[0]));
        }
        let hits = |ms: &[Match]| ms.iter().map(|m| self.hit(m)).collect();
        if exact.len() <= MAX_CHOICES {
            return Found::Several(hits(&exact));
        }
        let home: Vec<Match> = exact
            .iter()
            .filter(|m| !self.outside_home(&self.names[m.name]))
            .copied()
            .collect();
        if self.home.is_some() && (1..=MAX_CHOICES).contains(&home.len()) {
            return Found::Several(hits(&home));
        }
        Found::Widespread(exact.len())
    }

    /// Names equal to what was typed (score 1.0, with their tier) or beginning with it as whole
    /// words (0.9). They sit together in name order, from the first name not below the query.
    fn exact_matches(&self, typed: &Typed, open: &dyn Fn(&Name) -> bool) -> Vec<Match> {
        let folded = typed.folded.as_str();
        let start = self
            .sorted
            .partition_point(|&n| self.names[n as usize].folded.as_str() < folded);
        let mut matched = Vec::new();
        for &n in &self.sorted[start..] {
            let (i, name) = (n as usize, &self.names[n as usize]);
            let Some(rest) = name.folded.strip_prefix(folded) else {
                break;
            };
            if !(rest.is_empty() || rest.starts_with(' ')) || !open(name) {
                continue;
            }
            matched.push(match rest.is_empty() {
                true => {
                    let tone_differs = typed.toned.as_ref().is_some_and(|t| *t != name.toned);
                    let kind_differs = typed.kind.is_some_and(|k| k != name.kind);
                    Match {
                        name: i,
                        score: 1.0,
                        tier: tone_differs as u8 + kind_differs as u8,
                    }
                }
                false => Match {
                    name: i,
                    score: 0.9,
                    tier: 0,
                },
            });
        }
        matched
    }

    /// Typos: candidates share trigrams with the query, then edit distance decides.
    fn typo_matches(
        &self,
        typed: &Typed,
        open: &dyn Fn(&Name) -> bool,
        seen: &[Match],
    ) -> Vec<Match> {
        let mut shared = vec![0u16; self.names.len()];
        let mut touched: Vec<u32> = Vec::new();
        for t in trigrams_of(&typed.compact.chars().collect::<Vec<_>>()) {
            for &n in self.trigrams.get(&t).map(Vec::as_slice).unwrap_or_default() {
                if shared[n as usize] == 0 {
                    touched.push(n);
                }
                shared[n as usize] += 1;
            }
        }
        let seen: HashSet<usize> = seen.iter().map(|m| m.name).collect();
        let mut candidates: Vec<(u32, u16)> = touched
            .into_iter()
            .filter(|&n| !seen.contains(&(n as usize)) && open(&self.names[n as usize]))
            .map(|n| (n, shared[n as usize]))
            .collect();
        let rank = |&(n, count): &(u32, u16)| (std::cmp::Reverse(count), n);
        if candidates.len() > MAX_TYPO_CANDIDATES {
            candidates.select_nth_unstable_by_key(MAX_TYPO_CANDIDATES, rank);
            candidates.truncate(MAX_TYPO_CANDIDATES);
        }
        candidates.sort_unstable_by_key(rank);
        candidates
            .into_iter()
            .map(|(n, _)| Match {
                name: n as usize,
                score: similarity(&typed.compact, &self.names[n as usize].compact),
                tier: 0,
            })
            .collect()
    }

    /// Best first, each place once: by score, then tier, then inside the home unit, then current
    /// names before former ones, then in Vietnamese order of province and place.
    fn ordered(&self, mut matched: Vec<Match>) -> Vec<Match> {
        matched.sort_by(|a, b| self.compare(a, b));
        let mut places_seen = HashSet::new();
        matched.retain(|m| places_seen.insert(self.names[m.name].unit));
        matched
    }

    fn compare(&self, a: &Match, b: &Match) -> Ordering {
        let (na, nb) = (&self.names[a.name], &self.names[b.name]);
        b.score
            .total_cmp(&a.score)
            .then(a.tier.cmp(&b.tier))
            .then(self.outside_home(na).cmp(&self.outside_home(nb)))
            .then(na.former.is_some().cmp(&nb.former.is_some()))
            .then_with(|| {
                collation::compare(&self.units[na.province].name, &self.units[nb.province].name)
            })
            .then_with(|| collation::compare(&self.units[na.unit].name, &self.units[nb.unit].name))
    }

    fn outside_home(&self, name: &Name) -> bool {
        self.home
            .is_some_and(|home| !self.is_within(self.units[name.unit].id, self.units[home].id))
    }

    fn hit(&self, m: &Match) -> Hit<'_> {
        let name = &self.names[m.name];
        Hit {
            unit: &self.units[name.unit],
            former: name.former.map(|f| &self.formers[f]),
            score: m.score,
        }
    }

    /// How to read `query`: as a whole when it is a name; otherwise as a name followed by where it
    /// is, when that reads better ("minh khai, hưng hà", "tiên lữ hưng yên").
    fn read(&self, query: &str) -> Reading {
        let query = self.read_keys(query);
        let whole = Reading {
            typed: Typed::new(&query),
            scope: Vec::new(),
        };
        if whole.typed.folded.is_empty() || self.has_name(&whole.typed.folded) {
            return whole;
        }
        let mut best: Option<(f64, Reading)> = None;
        for reading in self.qualified(&query) {
            let score = self.best_score(&reading);
            if score >= 1.0 {
                return reading;
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, reading));
            }
        }
        match best {
            Some((score, reading))
                if score >= FUZZY_MATCH
                    || (score >= SUGGESTION_FLOOR && score >= self.best_score(&whole)) =>
            {
                reading
            }
            _ => whole,
        }
    }

    /// The query read as a name, then where it is in its last words.
    fn qualified(&self, query: &str) -> Vec<Reading> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split(' ').collect();
        let mut readings = Vec::new();
        for k in 1..words.len() {
            if words.len() - k > 2 * MAX_PLACE_WORDS || strip_type(&words[..k].join(" ")).is_empty()
            {
                continue;
            }
            for scope in self.scopes(&words[k..]) {
                readings.push(Reading {
                    typed: Typed::new(&first_words(query, k)),
                    scope,
                });
            }
        }
        readings
    }

    /// What folded words can say about where a place is: one place, province or former district,
    /// or a place or district and its province (either first), where the two meet.
    fn scopes(&self, words: &[&str]) -> Vec<Scope> {
        let mut scopes = Vec::new();
        if let Some(within) = self.place_named(&words.join(" ")) {
            scopes.push(vec![within.clone()]);
        }
        for j in 1..words.len() {
            let (head, tail) = (words[..j].join(" "), words[j..].join(" "));
            let pairs = [(&head, &tail), (&tail, &head)];
            for (place, province) in pairs {
                if let (Some(within), Some(province)) =
                    (self.place_named(place), self.province_named(province))
                {
                    let scope = vec![within.clone(), vec![Within::Province(province)]];
                    if self.names.iter().any(|n| in_scope(&scope, n)) {
                        scopes.push(scope);
                    }
                }
            }
        }
        scopes
    }

    fn place_named(&self, folded: &str) -> Option<&Vec<Within>> {
        if folded.split(' ').count() > MAX_PLACE_WORDS {
            return None;
        }
        self.places_named
            .get(folded)
            .or_else(|| self.places_named.get(strip_place_type(folded)))
    }

    fn province_named(&self, folded: &str) -> Option<usize> {
        let province = self.provinces.get(folded);
        province
            .or_else(|| self.provinces.get(strip_place_type(folded)))
            .copied()
    }

    /// The province a resident meant by a name with a typo ("hung yne").
    fn province_misspelt(&self, folded: &str) -> Option<usize> {
        let compact: String = strip_place_type(folded).replace(' ', "");
        self.provinces
            .iter()
            .map(|(name, &i)| (similarity(&compact, &name.replace(' ', "")), i))
            .filter(|(score, _)| *score >= FUZZY_MATCH)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, i)| i)
    }

    fn best_score(&self, reading: &Reading) -> f64 {
        let open = |n: &Name| reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        if !matched.iter().any(|m| m.score == 1.0) {
            matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        }
        matched.iter().map(|m| m.score).fold(0.0, f64::max)
    }

    /// Whether two texts name the same place name, whatever their marks, keys or type words.
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        Typed::new(&self.read_keys(a)).folded == Typed::new(&self.read_keys(b)).folded
    }

    /// Whether some name is exactly this (folded, without type).
    fn has_name(&self, folded: &str) -> bool {
        let at = self
            .sorted
            .partition_point(|&n| self.names[n as usize].folded.as_str() < folded);
        self.sorted
            .get(at)
            .is_some_and(|&n| self.names[n as usize].folded == folded)
    }

    /// `query` with each word that is no word of any name, but reads as one in Telex or VNI,
    /// written as meant ("tieen luwx" → "tiên lữ"); "ea kar" stays as it is.
    fn read_keys<'q>(&self, query: &'q str) -> Cow<'q, str> {
        let mut read: Option<String> = None;
        let mut copied = 0;
        for (start, word) in words(query) {
            let plain = word.bytes().all(|b| b.is_ascii_alphanumeric());
            if !plain || self.words.contains(&word.to_ascii_lowercase()) {
                continue;
            }
            if let Some(meant) =
                input_method::decode(word).filter(|m| self.words.contains(&fold(m)))
            {
                let out = read.get_or_insert_with(String::new);
                out.push_str(&query[copied..start]);
                out.push_str(&meant);
                copied = start + word.len();
            }
        }
        match read {
            Some(mut out) => {
                out.push_str(&query[copied..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(query),
        }
    }
}
