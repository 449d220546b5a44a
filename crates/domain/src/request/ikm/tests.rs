use super::*;
use proptest::prelude::*;

/// frameworks.md §5.3: 29 respondents, element totals U1–U9.
const VECTOR_TOTALS: [u64; 9] = [105, 101, 100, 116, 102, 105, 106, 105, 115];

#[test]
fn published_test_vector() {
    let ikm = Ikm::from_totals(29, VECTOR_TOTALS).unwrap();
    // 955 / (29 · 9) · 25 = 91.4751… → 91.48
    assert_eq!(ikm.score_hundredths(), 9148);
    assert_eq!(ikm.to_string(), "91.48");
    assert_eq!(ikm.to_indonesian_string(), "91,48");
    assert_eq!(ikm.grade(), Grade::A);
    assert_eq!(ikm.interval_ten_thousandths(), 36590);
    let means: Vec<_> = (0..9).filter_map(|e| ikm.element_mean_ten_thousandths(e)).collect();
    assert_eq!(means, [36207, 34828, 34483, 40000, 35172, 36207, 36552, 36207, 39655]);
    assert_eq!(ikm.element_mean_ten_thousandths(9), None);
}

#[test]
fn the_printed_weight_pitfall() {
    // The regulation prints 1/9 as 0.11; with it the same answers score 90.56.
    let ikm = Ikm::from_totals(29, VECTOR_TOTALS).unwrap();
    assert_eq!(ikm.score_hundredths_with_printed_weight(), 9056);
    // Rounding 1/9 to 0.111 is still wrong (91.38); only the exact weight gives 91.48.
    let with_0_111 = round_half_up(955 * 111 * 25 * 100, 29 * 1000);
    assert_eq!(with_0_111, 9138);
    assert_ne!(with_0_111, ikm.score_hundredths());
}

#[test]
fn from_responses_checks_every_score() {
    assert_eq!(Ikm::from_responses(&[]), Err(IkmError::NoResponses));
    let err = Ikm::from_responses(&[[4; 9], [3, 3, 3, 3, 3, 3, 3, 5, 3]]).unwrap_err();
    assert_eq!(err, IkmError::Score { respondent: 2, element: 8, score: 5 });
    assert_eq!(err.to_string(), "responden ke-2, unsur U8: nilai 5 di luar 1–4");
    assert!(matches!(Ikm::from_responses(&[[0; 9]]), Err(IkmError::Score { respondent: 1, element: 1, score: 0 })));
    assert_eq!(Ikm::from_responses(&[[4; 9]]).unwrap().to_string(), "100.00");
    assert_eq!(Ikm::from_responses(&[[1; 9]]).unwrap().to_string(), "25.00");
    assert_eq!(Ikm::from_responses(&[[1; 9]]).unwrap().grade(), Grade::D);
}

#[test]
fn impossible_totals_are_refused() {
    assert_eq!(Ikm::from_totals(0, [0; 9]), Err(IkmError::NoResponses));
    assert_eq!(
        Ikm::from_totals(2, [8, 8, 8, 8, 8, 8, 8, 8, 9]),
        Err(IkmError::Total { element: 9, total: 9, respondents: 2 })
    );
    assert!(Ikm::from_totals(2, [1, 2, 2, 2, 2, 2, 2, 2, 2]).is_err());
}

#[test]
fn half_hundredths_round_up() {
    // 8 respondents, total 81: 2500 · 81 / 72 = 2812.5 hundredths.
    let ikm = Ikm::from_totals(8, [9; 9]).unwrap();
    assert_eq!(ikm.score_hundredths(), 2813);
    assert_eq!(ikm.to_indonesian_string(), "28,13");
}

#[test]
fn grade_bands() {
    let grade = Grade::from_score_hundredths;
    assert_eq!([grade(10_000), grade(8831), grade(8830), grade(7661)], [Grade::A, Grade::A, Grade::B, Grade::B]);
    assert_eq!([grade(7660), grade(6500), grade(6499), grade(2500)], [Grade::C, Grade::C, Grade::D, Grade::D]);
    assert_eq!((Grade::A.perception(), Grade::A.performance()), (4, "Sangat Baik"));
    assert_eq!((Grade::D.perception(), Grade::D.performance()), (1, "Tidak Baik"));
    assert_eq!(Grade::B.interval_band_ten_thousandths(), (30_644, 35_320));
    // The bands tile 25.00–100.00 without gaps or overlaps.
    let bands: Vec<_> = [Grade::D, Grade::C, Grade::B, Grade::A].map(Grade::score_band_hundredths).to_vec();
    assert_eq!((bands[0].0, bands[3].1), (2500, 10_000));
    assert!(bands.windows(2).all(|w| w[0].1 + 1 == w[1].0));
}

#[test]
fn groups_add_totals_not_scores() {
    let small = Ikm::from_responses(&[[1; 9]]).unwrap();
    let large = Ikm::from_responses(&[[4; 9]; 9]).unwrap();
    let city = Ikm::combine(&[small.clone(), large.clone()]).unwrap();
    // 10 respondents: (9 + 9 · 36) / 90 · 25 = 92.50, not the 62.50 average of 25 and 100.
    assert_eq!(city.score_hundredths(), 9250);
    assert_eq!((small.score_hundredths() + large.score_hundredths()) / 2, 6250);
    assert_eq!(Ikm::combine(&[]), Err(IkmError::NoResponses));
}

fn response() -> impl Strategy<Value = Response> {
    proptest::array::uniform9(1u8..=4)
}

fn responses() -> impl Strategy<Value = Vec<Response>> {
    proptest::collection::vec(response(), 1..60)
}

proptest! {
    #[test]
    fn score_is_the_exact_value_rounded_half_up(answers in responses()) {
        let ikm = Ikm::from_responses(&answers).unwrap();
        let h = i128::from(ikm.score_hundredths());
        let sum: i128 = answers.iter().flatten().map(|&s| i128::from(s)).sum();
        let nine_n = 9 * answers.len() as i128;
        // h − ½ ≤ 2500 · Σ / 9n < h + ½
        prop_assert!((2 * h - 1) * nine_n <= 2 * 2500 * sum);
        prop_assert!(2 * 2500 * sum < (2 * h + 1) * nine_n);
        prop_assert!((2500..=10_000).contains(&h));
        let (lo, hi) = ikm.grade().score_band_hundredths();
        prop_assert!((lo..=hi).contains(&(h as i64)));
    }

    #[test]
    fn combining_equals_scoring_everyone_together(a in responses(), b in responses()) {
        let together: Vec<_> = a.iter().chain(&b).copied().collect();
        let parts = [Ikm::from_responses(&a).unwrap(), Ikm::from_responses(&b).unwrap()];
        prop_assert_eq!(Ikm::combine(&parts).unwrap(), Ikm::from_responses(&together).unwrap());
    }

    #[test]
    fn a_better_answer_never_lowers_the_score(mut answers in responses(), r in any::<prop::sample::Index>(), e in 0usize..9) {
        let before = Ikm::from_responses(&answers).unwrap();
        let i = r.index(answers.len());
        answers[i][e] = (answers[i][e] + 1).min(4);
        let after = Ikm::from_responses(&answers).unwrap();
        prop_assert!(after.score_hundredths() >= before.score_hundredths());
        prop_assert!(after.grade() >= before.grade());
    }

    #[test]
    fn order_of_respondents_does_not_matter(mut answers in responses()) {
        let before = Ikm::from_responses(&answers).unwrap();
        answers.reverse();
        prop_assert_eq!(Ikm::from_responses(&answers).unwrap(), before);
    }
}
