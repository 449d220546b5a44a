// "Masuk dengan satupintu" end to end, with an independent, certified relying-party
// library (openid-client) as the agency's application: an admin registers the app in the
// back-office, then a resident registers, confirms their e-mail, signs in, consents and
// lands back in the app, which checks the ID token against the JWKS, reads UserInfo,
// refreshes its tokens and signs the person out (RP-initiated logout).
//
// SATUPINTU_URL is a running `satupintu serve --demo` with an admin admin@contoh.id and its
// mail going to the SMTP sink that writes SATUPINTU_TEST_MAILBOX.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const oidc = require("openid-client");
const { BASE, VIEWPORTS, launch, newPage, assertAccessible } = require("./support.js");

const MAILBOX = process.env.SATUPINTU_TEST_MAILBOX;

let browser;
let rp;

before(async () => {
  browser = await launch();
  rp = await startRelyingParty();
});

after(async () => {
  if (browser) await browser.close();
  if (rp) rp.server.close();
});

/// The agency's web app: every OIDC step through openid-client, nothing hand-rolled.
async function startRelyingParty() {
  const state = { config: null, pending: new Map(), last: null };
  const server = http.createServer(async (req, res) => {
    const here = new URL(req.url, `http://127.0.0.1:${server.address().port}`);
    try {
      if (here.pathname === "/login") {
        const verifier = oidc.randomPKCECodeVerifier();
        const expected = { verifier, state: oidc.randomState(), nonce: oidc.randomNonce() };
        state.pending.set(expected.state, expected);
        const url = oidc.buildAuthorizationUrl(state.config, {
          redirect_uri: `${here.origin}/cb`,
          scope: "openid profile email",
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: "S256",
          state: expected.state,
          nonce: expected.nonce,
        });
        res.writeHead(302, { location: url.href }).end();
      } else if (here.pathname === "/cb") {
        const expected = state.pending.get(here.searchParams.get("state"));
        const tokens = await oidc.authorizationCodeGrant(state.config, here, {
          pkceCodeVerifier: expected.verifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        const info = await oidc.fetchUserInfo(state.config, tokens.access_token, claims.sub);
        const refreshed = await oidc.refreshTokenGrant(state.config, tokens.refresh_token);
        state.last = { tokens, claims, info, refreshed };
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(`<!doctype html><html lang="id"><title>SiPintar</title><main><h1>Halo, ${info.name}</h1>` +
          `<p id="email">${info.email} ${info.email_verified ? "terverifikasi" : "belum"}</p>` +
          `<a href="/logout">Keluar</a></main></html>`);
      } else if (here.pathname === "/logout") {
        const url = oidc.buildEndSessionUrl(state.config, {
          id_token_hint: state.last.tokens.id_token,
          post_logout_redirect_uri: `${here.origin}/bye`,
          state: "sampai-jumpa",
        });
        res.writeHead(302, { location: url.href }).end();
      } else if (here.pathname === "/bye") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(`<!doctype html><html lang="id"><title>SiPintar</title><main><h1>Sampai jumpa</h1><p id="state">${here.searchParams.get("state")}</p></main></html>`);
      } else {
        res.writeHead(404).end();
      }
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`relying party error: ${e.message}`);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, state, origin: `http://127.0.0.1:${server.address().port}` };
}

/// The newest verification link sent to `email`, quoted-printable undone.
async function verificationLink(email) {
  for (let i = 0; i < 100; i++) {
    const text = fs.existsSync(MAILBOX) ? fs.readFileSync(MAILBOX, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=") : "";
    const messages = text.split("---------- MESSAGE FOLLOWS ----------").filter((m) => m.includes(email));
    const found = messages.length ? messages[messages.length - 1].match(/https?:\/\/\S+\/akun\/verifikasi\?token=[A-Za-z0-9_-]+/) : null;
    if (found) return found[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no verification mail for ${email} in ${MAILBOX}`);
}

test("admin registers an app; a resident registers, verifies, signs in, consents and is back in the app", async () => {
  // The admin registers the agency's app in the back-office.
  const admin = await newPage(browser, VIEWPORTS.desktop);
  let clientId;
  let clientSecret;
  try {
    const { page } = admin;
    await page.goto(`${BASE}/admin/klien`);
    await page.getByLabel("Surel atau nomor ponsel").fill("admin@contoh.id");
    await page.getByLabel("Kata sandi").fill("kata-sandi-admin-uji");
    await page.getByRole("button", { name: "Masuk" }).last().click();
    await page.waitForURL(/\/admin\/klien$/);
    await assertAccessible(page, "admin clients");
    await page.getByLabel("Nama aplikasi", { exact: true }).fill("SiPintar Uji");
    await page.getByLabel("Alamat kembali (redirect_uri), satu per baris").fill(`${rp.origin}/cb`);
    await page.getByLabel("Alamat kembali setelah keluar, satu per baris (opsional)").fill(`${rp.origin}/bye`);
    await page.getByRole("button", { name: "Daftarkan aplikasi" }).click();
    clientId = (await page.locator("#client-id").textContent()).trim();
    clientSecret = (await page.locator("#client-secret").textContent()).trim();
    await assertAccessible(page, "admin client");
  } finally {
    await admin.context.close();
  }
  rp.state.config = await oidc.discovery(new URL(BASE), clientId, clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    const email = `warga.${name}.${Date.now()}@contoh.id`;
    const { context, page, errors } = await newPage(browser, viewport);
    try {
      // From the app to satupintu's sign-in page, then on to registration.
      await page.goto(`${rp.origin}/login`);
      await page.waitForURL(/\/masuk\?kembali=/);
      await page.getByRole("link", { name: "Daftar" }).last().click();
      await page.getByLabel("Nama lengkap").fill("Rina Wulandari");
      await page.getByLabel("Surel", { exact: true }).fill(email);
      await page.getByLabel("Kata sandi", { exact: true }).fill("kata-sandi-rina-1");
      await page.getByLabel("Ulangi kata sandi").fill("kata-sandi-rina-1");
      await page.getByRole("button", { name: "Daftar" }).last().click();
      // Registered and signed in, the person is asked about the app right away.
      await page.waitForURL(/\/oidc\/authorize/);
      await assert.doesNotReject(page.getByRole("button", { name: "Izinkan" }).waitFor());

      // They confirm their e-mail address from the mail, then sign out.
      await page.goto(await verificationLink(email));
      await page.goto(`${BASE}/akun`);
      await page.locator('form[action="/keluar"] button').first().click();
      await page.waitForURL(`${BASE}/`);

      // Later, from the app again: sign in, consent, back in the app.
      await page.goto(`${rp.origin}/login`);
      await page.waitForURL(/\/masuk\?kembali=/);
      await assertAccessible(page, `${name} sign-in from an app`);
      await page.getByLabel("Surel atau nomor ponsel").fill(email);
      await page.getByLabel("Kata sandi").fill("kata-sandi-rina-1");
      await page.getByRole("button", { name: "Masuk" }).last().click();
      await page.waitForURL(/\/oidc\/authorize/);
      assert.match(await page.textContent("h1"), /Masuk ke SiPintar Uji dengan satupintu/);
      assert.match(await page.textContent("main"), /Melihat alamat surel Anda/);
      await assertAccessible(page, `${name} consent`);
      await page.getByRole("button", { name: "Izinkan" }).click();
      await page.waitForURL(`${rp.origin}/cb?**`);
      assert.match(await page.textContent("h1"), /Halo, Rina Wulandari/);
      assert.equal((await page.textContent("#email")).trim(), `${email} terverifikasi`);

      // What the app received, checked by openid-client: signature, issuer, audience, nonce.
      const { claims, refreshed } = rp.state.last;
      assert.equal(claims.iss, BASE);
      assert.equal(claims.aud, clientId);
      assert.ok(claims.auth_time <= claims.iat);
      assert.ok(refreshed.access_token && refreshed.refresh_token, "refresh rotated");
      assert.notEqual(refreshed.refresh_token, rp.state.last.tokens.refresh_token);

      // The app lists under "Aplikasi yang terhubung".
      await page.goto(`${BASE}/akun`);
      assert.match(await page.textContent("main"), /SiPintar Uji/);
      await assertAccessible(page, `${name} account with apps`);

      // Signing out from the app ends the satupintu session too.
      await page.goto(`${rp.origin}/logout`);
      await page.waitForURL(`${rp.origin}/bye?**`);
      assert.equal((await page.textContent("#state")).trim(), "sampai-jumpa");
      await page.goto(`${BASE}/akun`);
      await page.waitForURL(/\/masuk\?kembali=%2Fakun$/);
      assert.deepEqual(errors, [], "no script errors");
    } finally {
      await context.close();
    }
  }
});
