//! Open311 GeoReport v2, on SQLite and PostgreSQL: discovery, services and definitions in
//! both formats, filing a report with an API key, the spec's errors (status and list),
//! querying with filters and pages, tokens, status updates, and what stays private.

use chrono::Utc;
use serde_json::{Value, json};
use store::requests::StatusChange;

use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

struct Open311 {
    app: TestApp,
    key: String,
}

async fn open311(db: TestDb) -> Open311 {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let (key, hash) = web::api_keys::generate().unwrap();
    store.add_api_key("Aplikasi uji", &hash, Utc::now()).await.unwrap();
    store.close().await;
    Open311 { app: TestApp::spawn(db, false).await, key }
}

impl Open311 {
    fn url(&self, path: &str) -> String {
        self.app.url(&format!("/open311/v2/{path}"))
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let response = client().get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let kind = response.headers()["content-type"].to_str().unwrap().to_string();
        (status, kind, response.text().await.unwrap())
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, kind, body) = self.get(path).await;
        assert_eq!(kind, "application/json; charset=utf-8", "{path}");
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
    }

    async fn post(&self, file: &str, form: &[(&str, &str)]) -> (u16, String) {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let response = client()
            .post(self.url(file))
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn post_json(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let (status, body) = self.post("requests.json", form).await;
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
    }

    async fn report(&self, extra: &[(&str, &str)]) -> String {
        let mut form = vec![
            ("api_key", self.key.as_str()),
            ("service_code", "ADUAN-BOGOR-BARAT"),
            ("attribute[kategori]", "Penerangan jalan umum"),
            ("description", "Lampu jalan mati sejak dua malam"),
        ];
        form.extend_from_slice(extra);
        let (status, body) = self.post_json(&form).await;
        assert_eq!(status, 200, "{body}");
        body[0]["service_request_id"].as_str().unwrap().to_string()
    }
}

/// The spec's error list: one `{code, description}` per problem.
fn error_codes(body: &Value) -> Vec<u64> {
    body.as_array().unwrap().iter().map(|e| e["code"].as_u64().unwrap()).collect()
}

on_both_backends!(discovery_services_and_definitions_in_both_formats, |db| {
    let o = open311(db).await;
    let (status, discovery) = o.get_json("discovery.json").await;
    assert_eq!(status, 200);
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], o.app.url("/open311/v2"));
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    let (status, kind, xml) = o.get("discovery.xml").await;
    assert_eq!((status, kind.as_str()), (200, "text/xml; charset=utf-8"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<discovery>"), "{xml}");
    assert!(xml.contains("<formats><format>text/xml</format><format>application/json</format></formats>"));

    // The complaint services whose forms need no upload; never a permit or a whistle-blower's channel.
    let (status, services) = o.get_json("services.json").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = services.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    for code in ["ADUAN-BOGOR-BARAT", "SAMPURASUN", "PENGADUAN-PDAM", "SP4N-LAPOR"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    for code in ["KTP-EL", "WBS-INSPEKTORAT", "PENGADUAN-PERUNDUNGAN", "MUSRENBANG"] {
        assert!(!codes.contains(&code), "{code} must not be offered");
    }
    let barat = services.as_array().unwrap().iter().find(|s| s["service_code"] == "ADUAN-BOGOR-BARAT").unwrap();
    assert_eq!(barat["metadata"], true);
    assert_eq!(barat["type"], "realtime");
    assert_eq!(barat["group"], "Kecamatan Bogor Barat");
    let (_, _, xml) = o.get("services.xml").await;
    assert!(xml.contains("<services><service><service_code>"), "{xml}");
    assert_eq!(xml.matches("<service>").count(), codes.len());

    // The form's fields as attributes: the description and the point are the standard's own.
    let (status, definition) = o.get_json("services/ADUAN-BOGOR-BARAT.json").await;
    assert_eq!(status, 200);
    assert_eq!(definition["service_code"], "ADUAN-BOGOR-BARAT");
    let attributes = definition["attributes"].as_array().unwrap();
    let attribute_codes: Vec<&str> = attributes.iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(attribute_codes, ["kategori", "alamat"]);
    assert_eq!(attributes[0]["datatype"], "singlevaluelist");
    assert_eq!(attributes[0]["required"], true);
    assert_eq!(attributes[0]["order"], 1);
    assert_eq!(attributes[0]["values"][0], json!({"key": "Jalan dan trotoar", "name": "Jalan dan trotoar"}));
    assert_eq!(attributes[1]["datatype"], "string");
    let (_, definition) = o.get_json("services/PENGADUAN-RSUD.json").await;
    let kinds: Vec<(&str, &str)> = definition["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["code"].as_str().unwrap(), a["datatype"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("unit", "singlevaluelist"), ("tanggal", "datetime"), ("saran", "string")]);
    let (_, _, xml) = o.get("services/ADUAN-BOGOR-BARAT.xml").await;
    assert!(xml.contains("<service_definition><service_code>ADUAN-BOGOR-BARAT</service_code><attributes><attribute>"));

    // Unknown services, jurisdictions, resources and formats are the spec's 404.
    for path in
        ["services/KTP-EL.json", "services/TIDAK-ADA.json", "services.json?jurisdiction_id=contoh.go.id", "antah.json"]
    {
        let (status, body) = o.get_json(path).await;
        assert_eq!((status, error_codes(&body)), (404, vec![404]), "{path}: {body}");
    }
    let (status, kind, xml) = o.get("services.html").await;
    assert_eq!((status, kind.as_str()), (404, "text/xml; charset=utf-8"));
    assert!(xml.contains("<errors><error><code>404</code><description>"), "{xml}");
    let host = url::Url::parse(&o.app.url("/")).unwrap().host_str().unwrap().to_string();
    let (status, _) = o.get_json(&format!("services.json?jurisdiction_id={host}")).await;
    assert_eq!(status, 200);
});

on_both_backends!(reports_are_filed_with_a_key_and_refused_precisely, |db| {
    let o = open311(db).await;
    // No key, a wrong key: 403 and nothing stored.
    let base = [("service_code", "ADUAN-BOGOR-BARAT"), ("address_string", "Jl. Semboja"), ("description", "x")];
    let (status, body) = o.post_json(&base).await;
    assert_eq!((status, error_codes(&body)), (403, vec![403]), "{body}");
    let mut wrong = base.to_vec();
    wrong.push(("api_key", "sp_bukan-kunci"));
    let (status, body) = o.post("requests.xml", &wrong).await;
    assert_eq!(status, 403);
    assert!(body.contains("<errors><error><code>403</code>"), "{body}");

    let key = o.key.as_str();
    // Missing service_code: 400; unknown or not offered: 404.
    let (status, body) = o.post_json(&[("api_key", key), ("lat", "-6.6"), ("long", "106.8")]).await;
    assert_eq!((status, error_codes(&body)), (400, vec![400]), "{body}");
    for code in ["TIDAK-ADA", "KTP-EL"] {
        let (status, body) =
            o.post_json(&[("api_key", key), ("service_code", code), ("lat", "-6.6"), ("long", "106.8")]).await;
        assert_eq!(status, 404, "{code}: {body}");
    }
    // No location; a bad point; an attribute the service does not have; a required one missing.
    let service = ("service_code", "ADUAN-BOGOR-BARAT");
    let (status, body) = o.post_json(&[("api_key", key), service, ("description", "x")]).await;
    assert_eq!(status, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("lokasi"), "{body}");
    let (status, body) = o.post_json(&[("api_key", key), service, ("lat", "95"), ("long", "abc")]).await;
    assert_eq!((status, error_codes(&body)), (400, vec![400, 400]), "{body}");
    let (status, body) = o.post_json(&[("api_key", key), service, ("lat", "-6.6")]).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = o
        .post_json(&[("api_key", key), service, ("address_string", "Jl. Semboja"), ("attribute[warna]", "merah")])
        .await;
    assert_eq!(status, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("attribute[warna]"), "{body}");
    let (status, body) = o.post_json(&[("api_key", key), service, ("address_string", "Jl. Semboja")]).await;
    assert_eq!(status, 400);
    let problems: Vec<&str> = body.as_array().unwrap().iter().map(|e| e["description"].as_str().unwrap()).collect();
    assert!(problems.iter().any(|p| p.starts_with("attribute[kategori]")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("description")), "{problems:?}");
    let (status, body) = o
        .post_json(&[
            ("api_key", key),
            service,
            ("address_string", "x"),
            ("attribute[kategori]", "Banjir bandang"),
            ("description", "x"),
        ])
        .await;
    assert_eq!(status, 400, "{body}");
    let long = "a".repeat(4001);
    let (status, _) = o.post_json(&[("api_key", key), service, ("address_string", "x"), ("description", &long)]).await;
    assert_eq!(status, 400);
    let (status, _) =
        o.post_json(&[("api_key", key), service, ("address_string", "x"), ("media_url", "javascript:alert(1)")]).await;
    assert_eq!(status, 400);
    let (status, listed) = o.get_json("requests.json").await;
    assert_eq!((status, listed), (200, json!([])), "refused reports store nothing");

    // A good report: answered at once with its tracking code; the point fills the form's field.
    let (status, body) = o
        .post_json(&[
            ("api_key", key),
            service,
            ("lat", "-6.5950"),
            ("long", "106.7930"),
            ("attribute[kategori]", "Penerangan jalan umum"),
            ("attribute[alamat]", "Depan SDN Semplak 1"),
            ("description", "Lampu jalan mati <b>dua</b> malam"),
            ("media_url", "https://contoh.id/foto/1.jpg"),
            ("first_name", "Asep"),
            ("email", "asep@contoh.id"),
            ("account_id", "akun-77"),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
    let code = body[0]["service_request_id"].as_str().unwrap();
    assert!(code.starts_with("BGR-"), "{body}");
    assert_eq!(body[0]["account_id"], "akun-77");
    assert!(body[0]["service_notice"].as_str().unwrap().contains("Simpan nomor laporan"));
    assert!(body[0].get("token").is_none(), "never both an id and a token");
    // The agency works it like any other request: with its answers in the form's fields.
    let (status, _, tracked) = crate::helpers::get_json(&o.app.url(&format!("/api/v1/requests/{code}"))).await;
    assert_eq!((status, &tracked["status"]), (200, &json!("diajukan")), "{tracked}");
    let store = satupintu::app::open_store(&o.app.settings).await.unwrap();
    let record = store.request_by_code(code).await.unwrap().unwrap();
    assert_eq!(record.channel, "open311");
    let answers: Value = serde_json::from_str(&record.answers).unwrap();
    assert_eq!(answers["lokasi"]["value"], "-6.595000,106.793000", "{answers}");
    assert_eq!(answers["uraian"]["value"], "Lampu jalan mati <b>dua</b> malam");
    assert_eq!(record.guest_name.as_deref(), Some("Asep"));
    assert_eq!(record.guest_contact.as_deref(), Some("asep@contoh.id"));
    // In XML too; a revoked key stops working at once.
    let (status, xml) = o
        .post(
            "requests.xml",
            &[
                ("api_key", key),
                service,
                ("address_string", "Jl. Semboja"),
                ("attribute[kategori]", "Lainnya"),
                ("description", "Pohon tumbang"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(xml.contains("<service_requests><request><service_request_id>BGR-"), "{xml}");
    let id = store.api_keys().await.unwrap()[0].id.clone();
    assert!(store.revoke_api_key(&id, Utc::now()).await.unwrap());
    let (status, _) = o.post_json(&[("api_key", key), service, ("address_string", "x")]).await;
    assert_eq!(status, 403);
    store.close().await;
});

on_both_backends!(reports_are_queried_by_window_status_code_and_page, |db| {
    let o = open311(db).await;
    let first = o.report(&[("lat", "-6.5950"), ("long", "106.7930"), ("media_url", "https://contoh.id/1.jpg")]).await;
    let second = o.report(&[("address_string", "Jl. Kapten Muslihat")]).await;
    let pdam = {
        let (status, body) = o
            .post_json(&[
                ("api_key", o.key.as_str()),
                ("service_code", "PENGADUAN-PDAM"),
                ("address_string", "Jl. Pandu Raya"),
                ("attribute[nomor_pelanggan]", "0123456"),
                ("attribute[jenis]", "Kebocoran pipa"),
                ("description", "Pipa bocor di depan rumah"),
            ])
            .await;
        assert_eq!(status, 200, "{body}");
        body[0]["service_request_id"].as_str().unwrap().to_string()
    };
    // A complaint made on the portal is listed, but its words and its place stay private.
    let (status, _, portal) = crate::helpers::get_json(&o.app.url("/api/v1/requests")).await;
    assert_eq!(status, 401, "{portal}");
    let guest = json!({"service": "ADUAN-BOGOR-BARAT", "answers": {"kategori": "Lainnya", "uraian": "Rahasia: nama tetangga saya"},
        "guest": {"name": "Warga", "contact": "0812 3456 7890"}});
    let response = client().post(o.app.url("/api/v1/requests")).json(&guest).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let portal: Value = response.json().await.unwrap();
    let portal = portal["tracking_code"].as_str().unwrap().to_string();

    let (status, all) = o.get_json("requests.json").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = all.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!([&first, &second, &pdam, &portal].iter().all(|c| ids.contains(&c.as_str())), "{ids:?}");
    let row = |code: &str| all.as_array().unwrap().iter().find(|r| r["service_request_id"] == code).unwrap().clone();
    let one = row(&first);
    assert_eq!(one["status"], "open");
    assert_eq!(one["description"], "Lampu jalan mati sejak dua malam");
    assert_eq!(one["lat"], -6.595);
    assert_eq!(one["long"], 106.793);
    assert_eq!(one["media_url"], "https://contoh.id/1.jpg");
    assert_eq!(one["agency_responsible"], "Kecamatan Bogor Barat");
    assert!(one["requested_datetime"].as_str().unwrap().ends_with("+07:00"));
    assert!(one["expected_datetime"].as_str().unwrap().ends_with("T23:59:59+07:00"));
    assert_eq!(row(&second)["address"], "Jl. Kapten Muslihat");
    let private = row(&portal);
    assert_eq!(private["status"], "open");
    assert!(private["description"].is_null() && private["lat"].is_null() && private["address"].is_null(), "{private}");
    assert!(!all.to_string().contains("Rahasia"));

    // Closing one with a public note: status filter, notes, updates.
    let store = satupintu::app::open_store(&o.app.settings).await.unwrap();
    for (code, to, note) in [(&first, "diterima", None), (&first, "selesai", Some("Lampu sudah diganti petugas PJU."))]
    {
        let record = store.request_by_code(code).await.unwrap().unwrap();
        let change = StatusChange {
            request_id: &record.id,
            from: &record.status,
            to,
            actor: "petugas-uji",
            note,
            internal: false,
            closes: to == "selesai",
        };
        store.change_request_status_and_notify(&change, None, Utc::now()).await.unwrap();
    }
    let (_, closed) = o.get_json("requests.json?status=closed").await;
    assert_eq!(closed.as_array().unwrap().len(), 1, "{closed}");
    assert_eq!(closed[0]["service_request_id"], first.as_str());
    assert_eq!(closed[0]["status_notes"], "Lampu sudah diganti petugas PJU.");
    let (_, open) = o.get_json("requests.json?status=open").await;
    assert_eq!(open.as_array().unwrap().len(), 3);
    let (_, both) = o.get_json("requests.json?status=open,closed").await;
    assert_eq!(both.as_array().unwrap().len(), 4);
    let (status, body) = o.get_json("requests.json?status=pending").await;
    assert_eq!((status, error_codes(&body)), (400, vec![400]));

    // By service, by ids (which override the other filters), by window, by page.
    let (_, pdam_only) = o.get_json("requests.json?service_code=PENGADUAN-PDAM").await;
    assert_eq!(pdam_only.as_array().unwrap().len(), 1);
    assert_eq!(pdam_only[0]["service_request_id"], pdam.as_str());
    let (status, _) = o.get_json("requests.json?service_code=KTP-EL").await;
    assert_eq!(status, 404);
    let (_, by_id) = o.get_json(&format!("requests.json?service_request_id={first},{pdam}&status=open")).await;
    assert_eq!(by_id.as_array().unwrap().len(), 2, "{by_id}");
    let mistyped = format!("{}{}", &first[..first.len() - 1], if first.ends_with('A') { 'B' } else { 'A' });
    let (status, body) = o.get_json(&format!("requests.json?service_request_id={mistyped}")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body[0]["description"].as_str().unwrap().contains("pemeriksa"), "{body}");
    let (_, old) =
        o.get_json("requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00%2B07:00").await;
    assert_eq!(old, json!([]));
    let (status, body) =
        o.get_json("requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z").await;
    assert_eq!((status, error_codes(&body)), (400, vec![400]));
    let (status, _) = o.get_json("requests.json?start_date=kemarin").await;
    assert_eq!(status, 400);
    let (_, page1) = o.get_json("requests.json?page_size=3").await;
    let (_, page2) = o.get_json("requests.json?page_size=3&page=2").await;
    assert_eq!((page1.as_array().unwrap().len(), page2.as_array().unwrap().len()), (3, 1));
    assert_eq!(page1[0]["service_request_id"], all[0]["service_request_id"]);
    let (status, _) = o.get_json("requests.json?page_size=5000").await;
    assert_eq!(status, 400);

    // One request; unknown and mistyped ids are 404 with the reason.
    let (status, single) = o.get_json(&format!("requests/{second}.json")).await;
    assert_eq!((status, single.as_array().unwrap().len()), (200, 1));
    assert_eq!(single[0]["service_request_id"], second.as_str());
    let (status, _, xml) = o.get(&format!("requests/{second}.xml")).await;
    assert_eq!(status, 200);
    assert!(
        xml.contains(&format!(
            "<service_requests><request><service_request_id>{second}</service_request_id><status>open</status>"
        )),
        "{xml}"
    );
    let (status, body) = o.get_json(&format!("requests/{mistyped}.json")).await;
    assert_eq!((status, error_codes(&body)), (404, vec![404]));
    let ktp_like = "BGR-2222-222";
    let (status, _) = o.get_json(&format!("requests/{ktp_like}.json")).await;
    assert_eq!(status, 404);

    // Tokens: a request's id (what agency systems receive) resolves to its tracking code.
    let record = store.request_by_code(&pdam).await.unwrap().unwrap();
    let (status, token) = o.get_json(&format!("tokens/{}.json", record.id)).await;
    assert_eq!(status, 200);
    assert_eq!(token, json!([{"service_request_id": pdam, "token": record.id}]));
    let (status, _) = o.get_json("tokens/tidak-ada.json").await;
    assert_eq!(status, 404);

    // Updates: every public change, oldest first; notes only of reports filed here.
    let (status, updates) = o.get_json("servicerequestupdates.json").await;
    assert_eq!(status, 200);
    let of_first: Vec<&Value> =
        updates.as_array().unwrap().iter().filter(|u| u["service_request_id"] == first.as_str()).collect();
    let statuses: Vec<(&str, &str)> =
        of_first.iter().map(|u| (u["status"].as_str().unwrap(), u["external_status_code"].as_str().unwrap())).collect();
    assert_eq!(statuses, [("open", "diajukan"), ("open", "diterima"), ("closed", "selesai")]);
    assert_eq!(of_first[2]["description"], "Lampu sudah diganti petugas PJU.");
    let (_, _, xml) = o.get("servicerequestupdates.xml?page_size=2").await;
    assert_eq!(xml.matches("<request_update>").count(), 2, "{xml}");
    assert!(xml.contains("<service_request_updates><request_update><update_id>"));
    store.close().await;
});
