//! The published test vectors (research notes §1.8, §3.3) and the rules around them.

use proptest::prelude::*;

use super::planner::{PlanError, best_raises, plan_to};
use super::*;

fn framework(id: &str) -> Framework {
    builtin_frameworks().unwrap().into_iter().find(|f| f.id == id).unwrap()
}

fn x(s: &str) -> Exact {
    Exact::parse(s).unwrap()
}

fn all(levels: &[i64]) -> Vec<Option<Exact>> {
    levels.iter().map(|&l| Some(Exact::integer(l))).collect()
}

fn index_of(framework: &Framework, levels: &[Option<Exact>]) -> Exact {
    compute(framework, levels).index.unwrap()
}

/// SPBE levels by indicator number: `f(n)` for n in 1..=47.
fn spbe_levels(f: impl Fn(u32) -> i64) -> Vec<Option<Exact>> {
    let spbe = framework("spbe-59-2020");
    spbe.indicators.iter().map(|i| Some(Exact::integer(f(i.number.unwrap())))).collect()
}

#[test]
fn the_shipped_frameworks_have_the_regulations_shape() {
    let spbe = framework("spbe-59-2020");
    assert_eq!(spbe.indicators.len(), 47);
    assert_eq!(spbe.groups.iter().filter(|g| g.depth == 0).count(), 4);
    assert_eq!(spbe.groups.iter().filter(|g| g.depth == 1).count(), 8);
    assert_eq!(spbe.total_weight(), Exact::integer(100));
    let d4 = &spbe.groups[spbe.group("D4").unwrap()];
    assert_eq!(d4.weight, x("45.5"));
    assert_eq!(spbe.level_name(spbe.indicator("31").unwrap(), Exact::integer(1)), Some("Rintisan"));
    assert_eq!(spbe.level_name(spbe.indicator("32").unwrap(), Exact::integer(3)), Some("Transaksi"));

    let smart = framework("smart-city-kominfo");
    let weights: Vec<String> = smart.indicators.iter().map(|i| i.weight.to_plain()).collect();
    assert_eq!(weights, ["10", "20", "30", "20", "20"]);
    assert_eq!(smart.dimensions.len(), 6);
    assert!(smart.dimensions.iter().all(|d| d.elements.len() == 3));
    assert!(smart.bands.is_empty(), "no confirmed Smart City predicates");

    let pemdi = framework("pemdi-8-2026");
    assert!(pemdi.provisional);
    assert_eq!((pemdi.groups.len(), pemdi.indicators.len()), (7, 20));
    assert_eq!(pemdi.total_weight(), Exact::integer(100));
}

#[test]
fn aceh_tengah_2025_is_2_59_cukup_just_under_baik() {
    let spbe = framework("spbe-59-2020");
    // D1 mean 2.30 (sum 23 over I1–I10), D2 1.70 (sum 17 over I11–I20, equal weights),
    // D3 all 1, A7 38/10, A8 22/6.
    let levels = spbe_levels(|n| match n {
        1..=3 => 3,
        4..=10 => 2,
        11..=17 => 2,
        18..=20 => 1,
        21..=31 => 1,
        32..=39 => 4,
        40..=41 => 3,
        42..=45 => 4,
        _ => 3,
    });
    let values = compute(&spbe, &levels);
    let group = |code: &str| values.groups[spbe.group(code).unwrap()].unwrap();
    assert_eq!(group("D1"), x("2.3"));
    assert_eq!(group("D2"), x("1.7"));
    assert_eq!(group("A8"), Exact::ratio(22, 6));
    assert_eq!(group("D4").to_fixed(2), "3.75");
    let index = values.index.unwrap();
    let shown = Shown::new(&spbe, index);
    assert_eq!(shown.index, "2.59");
    assert_eq!(shown.predicate.as_deref(), Some("Cukup"));
    assert!(index < x("2.6") && x("2.6") - index > x("0.005"), "0.006 under the edge: {index}");
    assert_eq!(shown.value, "2.594000000000");

    // The mistake the vector exists for: aggregating the rounded D4 (3.75) gives "2.60 Baik".
    let naive = (x("13") * x("2.3") + x("25") * x("1.7") + x("16.5") + x("45.5") * x("3.75")) / x("100");
    assert_eq!(naive.to_fixed(2), "2.60");
    assert_eq!(spbe.predicate(naive.rounded(2)), Some("Baik"));
}

#[test]
fn spbe_synthetic_vectors() {
    let spbe = framework("spbe-59-2020");
    let show = |levels: Vec<Option<Exact>>| {
        let s = Shown::new(&spbe, index_of(&spbe, &levels));
        (s.index, s.predicate.unwrap())
    };
    assert_eq!(show(spbe_levels(|_| 1)), ("1.00".into(), "Kurang".into()));
    assert_eq!(show(spbe_levels(|_| 5)), ("5.00".into(), "Memuaskan".into()));
    assert_eq!(show(spbe_levels(|n| if n >= 32 { 5 } else { 1 })), ("2.82".into(), "Baik".into()));
    assert_eq!(show(spbe_levels(|n| if n >= 42 { 5 } else { 3 })), ("3.36".into(), "Baik".into()));
}

#[test]
fn spbe_band_edges() {
    let spbe = framework("spbe-59-2020");
    for (value, predicate) in [
        ("4.20", "Memuaskan"),
        ("4.1999", "Sangat Baik"),
        ("3.50", "Sangat Baik"),
        ("2.60", "Baik"),
        ("1.80", "Cukup"),
        ("1.7999", "Kurang"),
        ("5", "Memuaskan"),
        ("1", "Kurang"),
    ] {
        assert_eq!(spbe.predicate(x(value)), Some(predicate), "{value}");
    }
    assert_eq!(spbe.near_edge(x("2.5960")).map(|e| e.to_fixed(2)).as_deref(), Some("2.60"));
    assert_eq!(spbe.near_edge(x("2.594")), None);
}

#[test]
fn smart_city_kota_jambi_2024_is_3_48() {
    let smart = framework("smart-city-kominfo");
    let scores: Vec<Option<Exact>> = ["3.84", "3.18", "3.53", "3.63", "3.35"].iter().map(|s| Some(x(s))).collect();
    let index = index_of(&smart, &scores);
    assert_eq!(index, x("3.475"));
    let shown = Shown::new(&smart, index);
    assert_eq!((shown.index.as_str(), shown.predicate), ("3.48", None));
    // Kota Kediri 2022 published 3.31; its dimension scores are themselves rounded, so the
    // exact mean of the rounded inputs lands half a hundredth away (research notes §3.3).
    let kediri: Vec<Option<Exact>> = ["3.60", "3.21", "3.23", "3.07", "3.65"].iter().map(|s| Some(x(s))).collect();
    assert_eq!(index_of(&smart, &kediri), x("3.315"));
}

#[test]
fn levels_files_are_checked_line_by_line() {
    let spbe = framework("spbe-59-2020");
    let rows: Vec<(usize, String, String)> =
        (1..=47).map(|n| (n as usize + 1, n.to_string(), "3".to_owned())).collect();
    let borrowed =
        |rows: &[(usize, String, String)]| rows.iter().map(|(l, a, b)| (*l, a.clone(), b.clone())).collect::<Vec<_>>();
    let run = |rows: Vec<(usize, String, String)>| {
        levels_from_rows(&spbe, rows.iter().map(|(l, a, b)| (*l, a.as_str(), b.as_str())))
    };
    assert_eq!(run(borrowed(&rows)).unwrap().len(), 47);

    let mut named_by_code = borrowed(&rows);
    named_by_code[0].1 = "i1".into();
    assert!(run(named_by_code).is_ok(), "codes work in any case");

    let mut broken = borrowed(&rows);
    broken[4].2 = "6".into(); // line 6: I5 at level 6
    broken[9].1 = "48".into(); // line 11: unknown
    broken[20].1 = "20".into(); // line 22: I20 twice, and I21 missing
    broken[30].2 = "2.5".into(); // line 32: not a whole level
    let problems = run(broken).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "baris 6: level “6” untuk I5 di luar 1–5 (langkah 1)",
            "baris 11: indikator “48” tidak dikenal",
            "baris 22: indikator I20 sudah ditulis di baris 21",
            "baris 32: level “2.5” untuk I31 di luar 1–5 (langkah 1)",
            "baris 49: indikator 10. Kebijakan Tim Koordinasi SPBE tidak ada",
            "baris 49: indikator 21. Manajemen Risiko tidak ada",
        ]
    );

    let smart = framework("smart-city-kominfo");
    let scores = [(2, "baseline", "3.84"), (3, "output", "3,18"), (4, "outcome", "5.01"), (5, "impact", "3.631")];
    let problems = levels_from_rows(&smart, scores).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "baris 4: level “5.01” untuk outcome di luar 1.00–5.00 (langkah 0.01)",
            "baris 5: level “3.631” untuk impact di luar 1.00–5.00 (langkah 0.01)",
            "baris 6: indikator Quick Win tidak ada",
        ]
    );
}

const TINY: &str = r#"id = "kota-x"
name = "Indeks Kota X"
tiers = ["Bidang"]
total = 10

[scale]
min = 1
max = 4
step = 1

[[group]]
code = "B1"
name = "Satu"
weight = 6

[[indicator]]
code = "K1"
group = "B1"
name = "Pertama"
weight = 6

[[indicator]]
code = "K2"
name = "Kedua"
group = "B1"
weight = 4
"#;

#[test]
fn a_city_file_is_refused_with_lines_and_reasons() {
    let problems =
        |text: &str| parse_framework(text).unwrap_err().0.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(problems(TINY), ["baris 11: bobot B1 tertulis 6, tetapi bobot indikatornya berjumlah 10"]);

    let fixed =
        TINY.replace("weight = 6\n\n[[indicator]]\ncode = \"K1\"", "weight = 10\n\n[[indicator]]\ncode = \"K1\"");
    let ok = parse_framework(&fixed).unwrap();
    assert_eq!(ok.groups[0].weight, Exact::integer(10));

    let unknown_parent = fixed.replace("code = \"B1\"\n", "code = \"B1\"\nparent = \"B9\"\n");
    assert_eq!(problems(&unknown_parent), ["baris 11: induk B9 tidak dikenal (tulis kelompok induk lebih dahulu)"]);

    let duplicate = fixed.replace("code = \"K2\"", "code = \"k1\"");
    assert_eq!(problems(&duplicate), ["baris 22: kode k1 dipakai dua kali"]);

    let not_summing = fixed.replace("total = 10", "total = 100");
    assert_eq!(problems(&not_summing), ["baris 4: bobot semua indikator berjumlah 10, seharusnya 100"]);

    let unknown_group = fixed.replace("group = \"B1\"\nweight = 4", "group = \"B2\"\nweight = 4");
    assert!(problems(&unknown_group).contains(&"baris 22: kelompok B2 tidak dikenal".to_owned()));

    assert_eq!(problems("id = \"x\"\nname = 3\n"), ["baris 2: invalid type: integer `3`, expected a string"]);
    let bad_weight = fixed.replace("weight = 4", "weight = \"empat\"");
    assert!(problems(&bad_weight).iter().any(|p| p == "baris 22: bobot: “empat” bukan angka desimal"));
}

#[test]
fn the_planner_takes_the_heaviest_steps_first() {
    let spbe = framework("spbe-59-2020");
    let threes = spbe_levels(|_| 3);
    let levels: Vec<Exact> = threes.iter().flatten().copied().collect();
    let raises = best_raises(&spbe, &levels);
    // A8's indicators weigh 3.00 each: one level there lifts the index by 0.03.
    assert_eq!(spbe.indicators[raises[0].indicator].number, Some(42));
    assert_eq!(raises[0].gain, x("0.03"));
    assert_eq!(raises.len(), 47);

    // From 3.00 to 3.80 needs 0.80: the six A8 indicators twice (0.36), then A7 (0.0275 each).
    let plan = plan_to(&spbe, &threes, x("3.80")).unwrap();
    assert!(plan.reached >= x("3.80"));
    let before_last = plan.steps[plan.steps.len() - 2].1;
    assert!(before_last < x("3.80"), "no step more than needed");
    assert_eq!(plan.steps.len(), 12 + 16);
    assert_eq!(plan_to(&spbe, &threes, x("3")).unwrap().steps.len(), 0);
    assert!(matches!(plan_to(&spbe, &threes, x("5.01")), Err(PlanError::Unreachable { .. })));
    let mut partial = threes.clone();
    partial[3] = None;
    assert_eq!(plan_to(&spbe, &partial, x("3.5")), Err(PlanError::Incomplete { missing: 1 }));

    // Smart City scores stop at 5.00: from 4.60 the last step is 0.40.
    let smart = framework("smart-city-kominfo");
    let scores: Vec<Option<Exact>> = ["4.60", "4.60", "4.60", "4.60", "4.60"].iter().map(|s| Some(x(s))).collect();
    let plan = plan_to(&smart, &scores, x("5")).unwrap();
    assert_eq!(plan.steps.len(), 5);
    assert_eq!(plan.steps[0].0.to, x("5"));
    assert_eq!(plan.reached, x("5"));
}

proptest! {
    #[test]
    fn the_index_stays_on_the_scale_and_rises_with_every_level(
        levels in proptest::collection::vec(1i64..=5, 47),
        which in 0usize..47,
    ) {
        let spbe = framework("spbe-59-2020");
        let before = index_of(&spbe, &all(&levels));
        prop_assert!(before >= Exact::ONE && before <= Exact::integer(5));
        let shown: f64 = Shown::new(&spbe, before).index.parse().unwrap();
        prop_assert!((1.0..=5.0).contains(&shown));
        let mut raised = levels.clone();
        if raised[which] < 5 {
            raised[which] += 1;
            let after = index_of(&spbe, &all(&raised));
            prop_assert!(after > before);
            prop_assert_eq!(after - before, spbe.indicators[which].weight / Exact::integer(100));
            // The predicate never falls when a level rises.
            let rank = |v: Exact| spbe.bands.iter().position(|b| v >= b.from).unwrap();
            prop_assert!(rank(after) <= rank(before));
        }
        // Nested means equal the flat weighted sum.
        let flat: Exact = spbe.indicators.iter().zip(&levels).map(|(i, &l)| i.weight * Exact::integer(l)).sum();
        prop_assert_eq!(before, flat / Exact::integer(100));
    }

    #[test]
    fn smart_city_scores_are_monotone_too(scores in proptest::collection::vec(100i64..=500, 5), which in 0usize..5) {
        let smart = framework("smart-city-kominfo");
        let levels: Vec<Option<Exact>> = scores.iter().map(|&s| Some(Exact::ratio(s.into(), 100))).collect();
        let before = index_of(&smart, &levels);
        prop_assert!(before >= Exact::ONE && before <= Exact::integer(5));
        if scores[which] < 500 {
            let mut raised = levels.clone();
            raised[which] = Some(Exact::ratio((scores[which] + 1).into(), 100));
            prop_assert!(index_of(&smart, &raised) > before);
        }
    }

    #[test]
    fn a_plan_reaches_its_target_when_it_can(levels in proptest::collection::vec(1i64..=5, 47), target in 100i64..=500) {
        let spbe = framework("spbe-59-2020");
        let target = Exact::ratio(target.into(), 100);
        let plan = plan_to(&spbe, &all(&levels), target).unwrap();
        prop_assert!(plan.reached >= target);
        prop_assert!(plan.reached <= Exact::integer(5));
    }
}
