use chrono::NaiveDate;

use super::*;
use proptest::prelude::*;

fn field(key: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        key: key.into(),
        label: format!("Label {key}"),
        help: None,
        required,
        kind,
        options: Vec::new(),
        max_length: None,
    }
}

fn with_options(mut f: FormField, options: &[&str]) -> FormField {
    f.options = options.iter().map(|o| o.to_string()).collect();
    f
}

fn answers(pairs: &[(&str, &[&str])]) -> RawAnswers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

/// A form with one field of every kind.
fn sample() -> FormDefinition {
    FormDefinition::new(vec![
        field("nama", FieldKind::Text, true),
        field("uraian", FieldKind::LongText, false),
        field("luas_m2", FieldKind::Number, false),
        field("tanggal_acara", FieldKind::Date, false),
        with_options(field("kecamatan", FieldKind::Choice, true), &["Bogor Barat", "Bogor Timur"]),
        with_options(field("hari", FieldKind::Choices, false), &["Senin", "Selasa", "Rabu"]),
        field("ktp", FieldKind::File, true),
        field("lokasi", FieldKind::Location, false),
    ])
    .unwrap()
}

#[test]
fn a_complete_answer_is_normalised() {
    let raw = answers(&[
        ("nama", &["  Siti Aminah "]),
        ("uraian", &["baris satu\r\nbaris dua"]),
        ("luas_m2", &["-007,50"]),
        ("tanggal_acara", &["2025-08-17"]),
        ("kecamatan", &["Bogor Timur"]),
        ("hari", &["Rabu", "Senin", "Rabu", ""]),
        ("ktp", &["upload/1", "upload/2"]),
        ("lokasi", &["-6.5971, 106.8060"]),
    ]);
    let checked = sample().check_answers(&raw).unwrap();
    assert_eq!(checked.get("nama"), Some(&Answer::Text("Siti Aminah".into())));
    assert_eq!(checked.get("uraian"), Some(&Answer::Text("baris satu\nbaris dua".into())));
    assert_eq!(checked.get("luas_m2"), Some(&Answer::Number("-7.50".into())));
    assert_eq!(checked.get("hari"), Some(&Answer::Choices(vec!["Senin".into(), "Rabu".into()])));
    assert_eq!(checked.get("ktp"), Some(&Answer::Files(vec!["upload/1".into(), "upload/2".into()])));
    let Some(Answer::Location(point)) = checked.get("lokasi") else { panic!("no location") };
    assert_eq!((point.lat_micro_degrees(), point.lon_micro_degrees()), (-6_597_100, 106_806_000));
    assert_eq!(point.to_string(), "-6.597100,106.806000");
    assert_eq!(checked.get("lokasi").unwrap().to_form_values(), ["-6.597100,106.806000"]);
    assert_eq!(checked.len(), 8);
}

#[test]
fn every_problem_is_reported_at_once() {
    let raw = answers(&[
        ("nama", &[" "]),
        ("uraian", &[&"x".repeat(2001)]),
        ("luas_m2", &["1.000,5"]),
        ("tanggal_acara", &["17-08-2025"]),
        ("kecamatan", &["Bogor Tengah"]),
        ("hari", &["Minggu"]),
        ("lokasi", &["-96.1,106.8"]),
        ("csrf", &["abc"]),
    ]);
    let problems = sample().check_answers(&raw).unwrap_err();
    let found: Vec<_> = problems.iter().map(|p| (p.key.as_str(), p.reason.as_str())).collect();
    assert_eq!(
        found,
        [
            ("nama", "wajib diisi"),
            ("uraian", "terlalu panjang: 2001 karakter, maksimal 2000"),
            ("luas_m2", "harus berupa angka, misalnya 12 atau 2,5"),
            ("tanggal_acara", "harus tanggal yang ada, berformat YYYY-MM-DD"),
            ("kecamatan", "'Bogor Tengah' bukan salah satu pilihan"),
            ("hari", "'Minggu' bukan salah satu pilihan"),
            ("ktp", "wajib diisi"),
            ("lokasi", "lintang harus antara -90 dan 90"),
            ("csrf", "isian ini tidak ada dalam formulir"),
        ]
    );
    assert_eq!(problems[0].to_string(), "nama: wajib diisi");
}

#[test]
fn single_valued_fields_take_one_value() {
    let raw = answers(&[("nama", &["A", "B"]), ("kecamatan", &["Bogor Barat"]), ("ktp", &["u/1"])]);
    let problems = sample().check_answers(&raw).unwrap_err();
    assert_eq!(problems, [AnswerProblem { key: "nama".into(), reason: "hanya boleh satu jawaban".into() }]);
}

#[test]
fn optional_fields_may_be_left_out() {
    let raw = answers(&[("nama", &["A"]), ("kecamatan", &["Bogor Barat"]), ("ktp", &["u/1"]), ("uraian", &[""])]);
    let checked = sample().check_answers(&raw).unwrap();
    assert_eq!(checked.len(), 3);
    assert!(checked.get("uraian").is_none());
}

#[test]
fn text_limits() {
    let mut short = field("judul", FieldKind::Text, true);
    short.max_length = Some(5);
    let form = FormDefinition::new(vec![short, field("nama", FieldKind::Text, true)]).unwrap();
    let ok = form.check_answers(&answers(&[("judul", &["ééééé"]), ("nama", &[&"n".repeat(200)])]));
    assert!(ok.is_ok(), "{ok:?}");
    let err = form.check_answers(&answers(&[("judul", &["abcdef"]), ("nama", &[&"n".repeat(201)])])).unwrap_err();
    assert_eq!(err.len(), 2);
}

#[test]
fn numbers_dates_and_places() {
    let form = FormDefinition::new(vec![
        field("n", FieldKind::Number, true),
        field("d", FieldKind::Date, false),
        field("p", FieldKind::Location, false),
    ])
    .unwrap();
    let n = |v: &str| match form.check_answers(&answers(&[("n", &[v])])) {
        Ok(a) => a.get("n").map(|a| a.to_form_values().concat()),
        Err(_) => None,
    };
    assert_eq!(n("12"), Some("12".into()));
    assert_eq!(n("+0.25"), Some("0.25".into()));
    assert_eq!(n("-0,0"), Some("0.0".into()));
    for bad in ["1e3", "NaN", "inf", "1.", ".5", "1.000.000", "12 kg", "--1", &"9".repeat(31)] {
        assert_eq!(n(bad), None, "{bad}");
    }
    let d = |v: &str| form.check_answers(&answers(&[("n", &["1"]), ("d", &[v])])).is_ok();
    assert!(d("2024-02-29") && !d("2025-02-29") && !d("2025-8-17") && !d("2025/08/17"));
    let p = |v: &str| form.check_answers(&answers(&[("n", &["1"]), ("p", &[v])])).map_err(|e| e[0].reason.clone());
    assert!(p("90,180").is_ok() && p("-90.0,-180.0").is_ok());
    assert!(p("0,180.0000004").is_ok());
    assert_eq!(p("0,180.000001").unwrap_err(), "bujur harus antara -180 dan 180");
    assert!(p("-6,5971,106,8060").is_err() && p("nan,1").is_err() && p("-6.5").is_err());
    let rounded = Location::parse("-6.5971235,106.8060005").unwrap();
    assert_eq!((rounded.lat_micro_degrees(), rounded.lon_micro_degrees()), (-6_597_124, 106_806_001));
}

#[test]
fn definitions_are_checked() {
    let mut bad_key = field("Nama Lengkap", FieldKind::Text, true);
    bad_key.max_length = Some(0);
    let no_options = field("jenis", FieldKind::Choice, true);
    let stray_options = with_options(field("umur", FieldKind::Number, false), &["1"]);
    let dup_options = with_options(field("pilih", FieldKind::Choices, false), &["a", "a", " b"]);
    let mut unlabelled = field("nama", FieldKind::Text, false);
    unlabelled.label = "  ".into();
    let mut file_limit = field("nama", FieldKind::File, false);
    file_limit.max_length = Some(10);
    let problems =
        FormDefinition::new(vec![bad_key, no_options, stray_options, dup_options, unlabelled, file_limit]).unwrap_err();
    let found: Vec<_> = problems.iter().map(|p| (p.field, p.reason.as_str())).collect();
    assert_eq!(found.len(), 9, "{found:#?}");
    assert!(found.contains(&(Some(1), "panjang maksimal harus antara 1 dan 10000 karakter")));
    assert!(found.contains(&(Some(2), "isian pilihan harus memiliki minimal satu pilihan")));
    assert!(found.contains(&(Some(4), "pilihan 'a' tercantum dua kali")));
    assert!(found.contains(&(Some(5), "label wajib diisi")));
    assert!(found.contains(&(Some(6), "kunci 'nama' sudah dipakai isian lain")));
    assert!(found.contains(&(Some(6), "panjang maksimal hanya untuk isian teks, bukan file")));
    assert!(problems[0].to_string().starts_with("isian ke-1 (Nama Lengkap): kunci harus"));

    let many: Vec<_> = (0..51).map(|i| field(&format!("f{i}"), FieldKind::Text, false)).collect();
    let problems = FormDefinition::new(many).unwrap_err();
    assert_eq!(problems[0].field, None);
    assert!(FormDefinition::new(Vec::new()).is_err());
}

#[test]
fn keys() {
    for good in ["a", "nama", "no_hp2", &format!("a{}", "b".repeat(39))] {
        assert!(valid_key(good), "{good}");
    }
    for bad in ["", "1a", "_a", "Nama", "nama-lengkap", "nama lengkap", "é", &format!("a{}", "b".repeat(40))] {
        assert!(!valid_key(bad), "{bad}");
    }
}

#[test]
fn default_form_from_requirements() {
    let long = "Surat pengantar ".repeat(30);
    let requirements = ["Fotokopi KTP", "  Kartu   Keluarga ", "", "Fotokopi KTP", long.trim()].map(String::from);
    let form = FormDefinition::default_for(&requirements).unwrap();
    let keys: Vec<_> = form.fields().iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["dokumen_1", "dokumen_2", "dokumen_3", "catatan"]);
    let f = &form.fields()[1];
    assert_eq!((f.label.as_str(), f.kind, f.required), ("Kartu Keluarga", FieldKind::File, true));
    let f = &form.fields()[2];
    assert!(f.label.ends_with('…') && f.label.chars().count() <= MAX_LABEL_CHARS);
    assert_eq!(f.help.as_deref(), Some(long.trim()));
    let notes = form.field("catatan").unwrap();
    assert_eq!((notes.kind, notes.required), (FieldKind::LongText, false));
    assert_eq!(FormDefinition::default_for(&[]).unwrap().fields().len(), 1);
    let too_many: Vec<_> = (0..50).map(|i| format!("Dokumen {i}")).collect();
    assert!(FormDefinition::default_for(&too_many).is_err());
}

#[test]
fn serde_round_trips_and_checks_on_read() {
    let form = sample();
    let json = serde_json::to_string(&form).unwrap();
    assert!(json.contains("\"kind\":\"long_text\""));
    assert_eq!(serde_json::from_str::<FormDefinition>(&json).unwrap(), form);
    let bad = r#"{"fields":[{"key":"x","label":"X","kind":"choice"}]}"#;
    let err = serde_json::from_str::<FormDefinition>(bad).unwrap_err().to_string();
    assert!(err.contains("minimal satu pilihan"), "{err}");
    let raw = answers(&[("nama", &["A"]), ("kecamatan", &["Bogor Barat"]), ("ktp", &["u/1"]), ("lokasi", &["1.5,2"])]);
    let checked = form.check_answers(&raw).unwrap();
    let json = serde_json::to_value(&checked).unwrap();
    assert_eq!(json["lokasi"], serde_json::json!({"kind": "location", "value": "1.500000,2.000000"}));
    assert_eq!(serde_json::from_value::<CheckedAnswers>(json).unwrap(), checked);
}

/// Micro-degrees written as decimal degrees, the sign kept for values between -1 and 0.
fn degrees(v: i32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:06}", v.unsigned_abs() / 1_000_000, v.unsigned_abs() % 1_000_000)
}

fn kind() -> impl Strategy<Value = FieldKind> {
    proptest::sample::select(FieldKind::ALL.to_vec())
}

proptest! {
    #[test]
    fn every_problem_names_a_sent_or_defined_key(
        raw in proptest::collection::btree_map("[a-z_]{1,8}", proptest::collection::vec(".{0,12}", 0..3), 0..8),
        kinds in proptest::collection::vec((kind(), any::<bool>()), 1..8),
    ) {
        let fields: Vec<_> = kinds
            .iter()
            .enumerate()
            .map(|(i, (k, req))| with_options(field(&format!("f{i}"), *k, *req), if matches!(k, FieldKind::Choice | FieldKind::Choices) { &["a", "b"] } else { &[] }))
            .collect();
        let form = FormDefinition::new(fields).unwrap();
        match form.check_answers(&raw) {
            Ok(checked) => {
                for (key, _) in checked.iter() { prop_assert!(form.field(key).is_some()); }
                for f in form.fields().iter().filter(|f| f.required) { prop_assert!(checked.get(&f.key).is_some()); }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in &problems { prop_assert!(form.field(&p.key).is_some() || raw.contains_key(&p.key)); }
                let unknown = raw.keys().filter(|k| form.field(k).is_none()).count();
                prop_assert!(problems.len() >= unknown);
            }
        }
    }

    #[test]
    fn checked_answers_check_again_unchanged(
        text in "[^\\s]([^\r\n]{0,38}[^\\s])?",
        number in "-?[0-9]{1,6}([.,][0-9]{1,4})?",
        days in 0u32..40_000,
        lat in -90_000_000i32..=90_000_000,
        lon in -180_000_000i32..=180_000_000,
        picks in proptest::collection::vec(proptest::sample::select(vec!["Senin", "Selasa", "Rabu"]), 0..4),
    ) {
        let date = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new(u64::from(days));
        let point = Location::parse(&format!("{},{}", degrees(lat), degrees(lon)));
        prop_assume!(text.trim() == text);
        let mut raw = answers(&[("nama", &[text.as_str()]), ("kecamatan", &["Bogor Barat"]), ("ktp", &["u/1"])]);
        raw.insert("luas_m2".into(), vec![number]);
        raw.insert("tanggal_acara".into(), vec![date.to_string()]);
        raw.insert("hari".into(), picks.iter().map(|s| s.to_string()).collect());
        raw.insert("lokasi".into(), vec![point.unwrap().to_string()]);
        let form = sample();
        let first = form.check_answers(&raw);
        prop_assert!(first.is_ok(), "{:?}", first);
        let first = first.unwrap();
        let again: RawAnswers = first.iter().map(|(k, a)| (k.to_string(), a.to_form_values())).collect();
        prop_assert_eq!(form.check_answers(&again).unwrap(), first);
    }

    #[test]
    fn location_parse_and_display_agree(lat in -90_000_000i32..=90_000_000, lon in -180_000_000i32..=180_000_000) {
        let point = Location::parse(&format!("{},{}", degrees(lat), degrees(lon))).unwrap();
        prop_assert_eq!((point.lat_micro_degrees(), point.lon_micro_degrees()), (lat, lon));
        prop_assert_eq!(Location::parse(&point.to_string()), Ok(point));
    }
}
