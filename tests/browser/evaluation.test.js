// The evaluation's evidence-request loop, with the two people it takes: an admin starts an
// SPBE cycle and self-assesses indicator I1; an assessor (a second browser context) asks
// for more evidence; the admin finds the request in the cycle's task list, answers it with
// a new link evidence (the request preselected); the assessor sees it answered and closes
// it, and the task list is gone. Each page on the way is scanned with axe-core, as are the
// planner (on the demo's complete SPBE 2024 cycle) and the public dashboard /indeks.
//
// SATUPINTU_URL is a running `satupintu serve --demo` with an admin admin@contoh.id
// (password `kata-sandi-admin-uji`) and an assessor asesor@contoh.id (password
// `kata-sandi-asesor-uji`); scripts/test creates both.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { BASE, VIEWPORTS, launch, newPage, assertAccessible } = require("./support.js");

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

// Signs in on the sign-in page a protected page sent us to, and waits to be back there.
async function signIn(page, path, email, password) {
  await page.goto(`${BASE}${path}`);
  await page.waitForURL(/\/masuk\?kembali=/);
  await page.getByLabel("Surel atau nomor ponsel").fill(email);
  await page.getByLabel("Kata sandi").fill(password);
  await page.getByRole("button", { name: "Masuk" }).last().click();
  await page.waitForURL((url) => url.pathname === path);
}

test("an assessor asks for evidence, the team answers with a link, the assessor closes it", async () => {
  const admin = await newPage(browser, VIEWPORTS.desktop);
  const assessor = await newPage(browser, VIEWPORTS.phone);
  // New names on every run, so the suite can run again against the same server.
  const stamp = Date.now().toString(36);
  const slug = `uji-spbe-${stamp}`;
  const asked = `Lampirkan notulen reviu kebijakan SPBE (${stamp}).`;
  const title = `Notulen reviu kebijakan ${stamp}`;
  const base = `/evaluasi/${slug}`;
  try {
    // The admin starts a cycle; they are on its team from the start.
    const a = admin.page;
    await signIn(a, "/evaluasi", "admin@contoh.id", "kata-sandi-admin-uji");
    await assertAccessible(a, "cycles");
    await a.getByLabel("Nama siklus").fill(`Evaluasi SPBE uji ${stamp}`);
    await a.getByLabel("Nama pendek (untuk alamat)").fill(slug);
    await a.getByLabel("Kerangka").selectOption("spbe-59-2020");
    await a.getByLabel("Dari tanggal").fill("2025-01-01");
    await a.getByLabel("Sampai tanggal").fill("2025-12-31");
    await a.getByRole("button", { name: "Buat siklus" }).click();
    await a.waitForURL((url) => url.pathname === base);
    assert.match(await a.textContent("h1"), new RegExp(`Evaluasi SPBE uji ${stamp}`));
    assert.match(await a.textContent("main"), /0 dari 47/);
    await assertAccessible(a, "cycle page");

    // Self-assessment of I1: a level and its narrative.
    await a.locator(`a[href="${base}/indikator/I1"]`).first().click();
    await a.waitForURL((url) => url.pathname === `${base}/indikator/I1`);
    const own = a.getByRole("region", { name: "Penilaian mandiri", exact: true });
    await own.getByLabel("Tingkat", { exact: true }).selectOption("3");
    await own.getByLabel(/^Narasi/).fill("Perwali arsitektur SPBE ditetapkan 2024.");
    await own.getByRole("button", { name: "Simpan tingkat mandiri" }).click();
    await a.waitForURL(/\/indikator\/I1\?tersimpan=level$/);
    assert.match(await a.getByRole("status").textContent(), /Tingkat disimpan/);
    assert.equal(await own.getByLabel("Tingkat", { exact: true }).inputValue(), "3");
    await assertAccessible(a, "indicator page (team)");

    // The assessor reads the team's level and asks for more evidence.
    const s = assessor.page;
    await signIn(s, `${base}/indikator/I1`, "asesor@contoh.id", "kata-sandi-asesor-uji");
    assert.match(await s.textContent("main"), /Perwali arsitektur SPBE ditetapkan 2024\./);
    assert.equal(await s.getByRole("button", { name: "Simpan tingkat mandiri" }).count(), 0, "not the team's form");
    await assertAccessible(s, "indicator page (assessor)");
    await s.getByLabel("Minta bukti tambahan").fill(asked);
    await s.getByRole("button", { name: "Kirim permintaan" }).click();
    await s.waitForURL(/\?tersimpan=permintaan$/);
    assert.match(await s.getByRole("status").textContent(), /Permintaan bukti dikirim/);

    // The admin finds it in the cycle's task list and answers it with a new link.
    await a.goto(`${BASE}${base}`);
    const tasks = a.getByRole("region", { name: "Permintaan bukti yang masih terbuka" });
    assert.match(await tasks.textContent(), new RegExp(stamp));
    await assertAccessible(a, "cycle page with a request");
    await tasks.getByRole("link").first().click();
    await a.waitForURL((url) => url.pathname === `${base}/indikator/I1`);
    await a.getByRole("link", { name: "Jawab dengan bukti baru" }).click();
    await a.waitForURL((url) => url.pathname === `${base}/bukti` && url.hash === "#tambah");
    const add = a.getByRole("region", { name: "Tambah bukti", exact: true });
    const answers = add.getByLabel("Menjawab permintaan");
    assert.notEqual(await answers.inputValue(), "", "the request is preselected");
    assert.match(await answers.locator("option:checked").textContent(), new RegExp(stamp));
    const supports = add.getByLabel("Indikator yang didukung");
    assert.deepEqual(await supports.evaluate((e) => [...e.selectedOptions].map((o) => o.value)), ["I1"]);
    await add.getByRole("radio", { name: "Tautan" }).check();
    await add.getByLabel("Judul").fill(title);
    await add.getByLabel("Keterangan").fill("Notulen rapat reviu kebijakan internal SPBE.");
    await add.getByLabel("Tautan (untuk jenis tautan)").fill("https://jdih.kotabogor.go.id/notulen-reviu");
    await add.getByRole("button", { name: "Simpan bukti" }).click();
    await a.waitForURL(/\/bukti\?tersimpan=bukti$/);
    assert.match(await a.getByRole("status").textContent(), /Bukti disimpan/);
    assert.ok(await a.getByRole("link", { name: title }).isVisible(), "the evidence is listed");
    await assertAccessible(a, "evidence page");

    // The assessor sees the request answered by the evidence, and closes it.
    await s.goto(`${BASE}${base}/indikator/I1`);
    const requests = s.getByRole("region", { name: "Permintaan bukti", exact: true });
    assert.match(await requests.textContent(), new RegExp(`Bukti ditambahkan: ${title}`));
    const listed = s.getByRole("region", { name: "Bukti dukung", exact: true });
    assert.ok(await listed.getByRole("link", { name: title }).isVisible(), "listed on the indicator");
    await requests.getByRole("button", { name: "Tutup permintaan" }).click();
    await s.waitForURL(/\?tersimpan=tutup$/);
    assert.match(await s.getByRole("status").textContent(), /Permintaan ditutup/);
    assert.match(await requests.textContent(), /Ditutup/);
    assert.equal(await requests.getByRole("button", { name: "Tutup permintaan" }).count(), 0);

    // Nothing left in the task list.
    await a.goto(`${BASE}${base}`);
    assert.equal(await a.getByRole("region", { name: "Permintaan bukti yang masih terbuka" }).count(), 0);

    // The planner on a cycle with every level (the demo's SPBE 2024), and the dashboard.
    await a.goto(`${BASE}/evaluasi/spbe-2024/rencana?target=3.8`);
    assert.match(await a.textContent("main"), /langkah menuju indeks|Target sudah tercapai/);
    await assertAccessible(a, "planner");
    await a.goto(`${BASE}/evaluasi/${slug}/rencana?target=3.8`);
    assert.match(await a.textContent("main"), /1 dari 47/);
    await assertAccessible(a, "planner, levels missing");
    const visitor = await newPage(browser, VIEWPORTS.phone);
    try {
      await visitor.page.goto(`${BASE}/indeks`);
      assert.match(await visitor.page.textContent("main"), /Sangat Baik/);
      await assertAccessible(visitor.page, "public dashboard");
      assert.deepEqual(visitor.errors, [], "no script errors on the dashboard");
    } finally {
      await visitor.context.close();
    }
    assert.deepEqual(admin.errors, [], "no script errors (admin)");
    assert.deepEqual(assessor.errors, [], "no script errors (assessor)");
  } finally {
    await admin.context.close();
    await assessor.context.close();
  }
});
