// The browser side of the browser suite: Debian's Chromium, headless, driven through the DevTools
// protocol by puppeteer-core, uses the Flask example's page (examples/flask/page.html) in cookie
// mode and prints TAP.
//
// Usage: node browser.mjs    (run by test/browser/run, which sets up everything)
// Reads from the environment:
//   APP_URL              the app, http://127.0.0.1:PORT
//   USERNAME, PASSWORD   a user's name and password; UID_OF_USER its id (the sub of its tokens)
//   CHROMIUM             the browser (/usr/bin/chromium); PROFILE_DIR its profile, made afresh
// Two more origins are served here, by node: http://127.0.0.1:OTHER (another origin of the same
// site: ports do not make sites, so SameSite lets the app's cookies go with its requests) and
// http://localhost:OTHER (another site). Failures print statuses, cookie names and attributes,
// never a cookie's value, a token or the password. Exits 1 if any test failed.

import http from "node:http";
import puppeteer from "puppeteer-core";

const env = process.env;
const APP = env.APP_URL;
const ACCESS = "__Host-jwt_auth_access", REFRESH = "__Secure-jwt_auth_refresh", CSRF = "__Host-jwt_auth_csrf";
const FORGED = "a note another origin's form tried to add";
let count = 0, failures = 0;

function check(name, passed, why = "") {
    count += 1;
    if (!passed) failures += 1;
    console.log(`${passed ? "ok" : "not ok"} ${count} - ${name}`);
    if (!passed && why) console.log(`#   ${why}`);
}

// The pages of the other origins: a form that posts itself to the app as soon as it loads (what a
// hostile site does), and an empty page to run a script in.
function otherOrigins() {
    const server = http.createServer((req, res) => {
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        if (req.url === "/form") {
            res.end(`<!doctype html><title>another site</title>
<form method="post" action="${APP}/notes"><input name="body" value="${FORGED}"></form>
<script>document.forms[0].submit();</script>`);
        } else {
            res.end("<!doctype html><title>another origin</title><p>nothing here</p>");
        }
    });
    return new Promise(resolve => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// Every cookie the browser holds for the app's host, by name, seen through the DevTools protocol
// (HttpOnly ones too): {name: {value, httpOnly, secure, sameSite, path, expires}}.
async function jar(cdp) {
    const {cookies} = await cdp.send("Storage.getCookies");
    return Object.fromEntries(cookies.filter(c => c.domain === "127.0.0.1").map(c => [c.name, c]));
}

// For a failure note: each cookie's attributes, never its value.
function describe(cookies) {
    return Object.values(cookies).map(c =>
        `${c.name}: path ${c.path}, httpOnly ${c.httpOnly}, secure ${c.secure}, sameSite ${c.sameSite}`).join("; ") || "no cookies";
}

// Clicks a button of the page and waits for the page's status line ("METHOD /path: status").
async function click(page, selector) {
    await page.evaluate(() => { document.getElementById("status").textContent = ""; });
    await page.click(selector);
    await page.waitForFunction(() => document.getElementById("status").textContent !== "");
    return page.$eval("#status", e => e.textContent);
}

// The user's notes through the page's own private fetch (GET /protected with the cookies).
async function notes(page) {
    const r = await page.evaluate(() => window.app.notes());
    return {status: r.status, uid: r.body && r.body.uid, error: r.body && r.body.error,
            notes: r.status === 200 ? r.body.notes.map(n => n.body) : null};
}

// The status and error code of the app's answer to a form another origin posts on loading.
async function formPost(page, origin) {
    const answer = page.waitForResponse(r => r.url() === `${APP}/notes` && r.request().method() === "POST");
    await page.goto(`${origin}/form`);
    const r = await answer;
    let error = null;
    try {
        error = JSON.parse(await r.text()).error;
    } catch (e) {
        error = null;
    }
    return {status: r.status(), error, challenge: r.headers()["www-authenticate"]};
}

const server = await otherOrigins();
const otherPort = server.address().port;
const SAME_SITE = `http://127.0.0.1:${otherPort}`, CROSS_SITE = `http://localhost:${otherPort}`;
const browser = await puppeteer.launch({
    executablePath: env.CHROMIUM,
    headless: true,
    userDataDir: env.PROFILE_DIR,
    args: ["--no-sandbox", "--no-proxy-server", "--disable-dev-shm-usage", "--no-first-run"],
});
try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15000);
    const cdp = await page.createCDPSession();
    console.log(`# ${await browser.version()}; the app at ${APP}; other origins ${SAME_SITE} and ${CROSS_SITE}`);

    // 1. The page, and a login through its form
    const loaded = await page.goto(`${APP}/`);
    check("the_app_serves_its_page_with_a_login_form",
          loaded.status() === 200 && (await page.$("#login [name=password]")) !== null, `status ${loaded.status()}`);
    await page.type("#login [name=username]", env.USERNAME);
    await page.type("#login [name=password]", env.PASSWORD);
    const login = page.waitForResponse(r => r.url() === `${APP}/token`);
    await page.click("#login button[type=submit]");
    const loginAnswer = await login;
    const loginBody = JSON.parse(await loginAnswer.text());
    check("the_form_logs_in_in_cookie_mode_and_the_answer_holds_no_token",
          loginAnswer.status() === 200 && loginBody.token_type === "cookie"
          && !("access_token" in loginBody) && !("refresh_token" in loginBody),
          `status ${loginAnswer.status()}, members ${Object.keys(loginBody).join(", ")}`);
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("GET /protected"));
    let cookies = await jar(cdp);
    const first = cookies;
    const flags = c => c && c.secure && c.sameSite === "Lax";
    check("the_browser_keeps_the_three_cookies_http_only_but_the_csrf_one_secure_samesite_lax",
          flags(cookies[ACCESS]) && cookies[ACCESS].httpOnly && cookies[ACCESS].path === "/"
          && flags(cookies[REFRESH]) && cookies[REFRESH].httpOnly && cookies[REFRESH].path === "/refresh"
          && flags(cookies[CSRF]) && !cookies[CSRF].httpOnly && cookies[CSRF].path === "/",
          describe(cookies));

    // 2. What the page's script can read
    const visible = await page.evaluate(() => document.cookie.split("; ").map(p => p.split("=")[0]));
    check("document_cookie_shows_the_csrf_cookie_but_not_the_access_or_refresh_cookie",
          visible.includes(CSRF) && !visible.includes(ACCESS) && !visible.includes(REFRESH),
          `document.cookie names: ${visible.join(", ")}`);

    // 3. Private fetches from the page
    let seen = await notes(page);
    check("a_private_fetch_from_the_page_works_as_the_user",
          seen.status === 200 && seen.uid === env.UID_OF_USER, `status ${seen.status}`);
    await page.type("#note [name=body]", "a note from the page");
    const added = page.waitForResponse(r => r.url() === `${APP}/notes`);
    await page.click("#note button[type=submit]");
    const addedStatus = (await added).status();
    await page.waitForFunction(() => document.querySelectorAll("#notes li").length > 0);
    seen = await notes(page);
    check("the_page_adds_a_note_sending_the_csrf_header_201",
          addedStatus === 201 && JSON.stringify(seen.notes) === JSON.stringify(["a note from the page"]),
          `status ${addedStatus}, ${seen.notes ? seen.notes.length : "no"} notes`);
    const before = JSON.stringify(seen.notes);

    // 4. Other origins post to the app
    let r = await formPost(page, SAME_SITE);
    check("a_form_another_origin_of_the_same_site_posts_gets_403_no_csrf_header",
          r.status === 403 && r.error === "invalid_csrf_token", `status ${r.status}, error ${r.error}`);
    r = await formPost(page, CROSS_SITE);
    check("a_form_another_site_posts_carries_no_cookie_samesite_lax_401",
          r.status === 401 && r.challenge === "Bearer", `status ${r.status}, challenge ${r.challenge}`);
    await page.goto(`${SAME_SITE}/`);
    const sneaky = await page.evaluate(async (app, name) => {
        const pair = document.cookie.split("; ").find(p => p.startsWith(name + "="));
        const token = pair ? pair.slice(name.length + 1) : "";
        try {
            const res = await fetch(`${app}/notes`, {
                method: "POST", credentials: "include", body: JSON.stringify({body: "from a script"}),
                headers: {"Content-Type": "application/json", "X-CSRF-Token": token}});
            return {readable: token !== "", outcome: `answered ${res.status}`};
        } catch (e) {
            return {readable: token !== "", outcome: `blocked: ${e.name}`};
        }
    }, APP, CSRF);
    check("a_script_of_another_origin_cannot_send_the_csrf_header_the_cors_preflight_fails",
          sneaky.outcome === "blocked: TypeError", sneaky.outcome);
    console.log(`# cookies are not per port: the page of ${SAME_SITE} ${sneaky.readable ? "reads" : "does not read"}`
                + " the CSRF cookie, and still cannot send it as a header");
    await page.goto(`${APP}/`);
    seen = await notes(page);
    check("the_refused_posts_changed_nothing", seen.status === 200 && JSON.stringify(seen.notes) === before,
          `status ${seen.status}, ${seen.notes ? seen.notes.length : "no"} notes`);

    // 5. Refresh rotates the cookies
    let status = await click(page, "#refresh");
    cookies = await jar(cdp);
    check("the_refresh_button_rotates_the_access_and_refresh_cookies_the_csrf_cookie_stays",
          status === "POST /refresh: 200" && cookies[ACCESS] && cookies[ACCESS].value !== first[ACCESS].value
          && cookies[REFRESH] && cookies[REFRESH].value !== first[REFRESH].value
          && cookies[CSRF] && cookies[CSRF].value === first[CSRF].value && cookies[ACCESS].httpOnly,
          `${status}; ${describe(cookies)}`);
    seen = await notes(page);
    check("a_private_fetch_works_with_the_rotated_cookie", seen.status === 200 && JSON.stringify(seen.notes) === before,
          `status ${seen.status}`);
    const rotated = cookies;

    // 6. Logout ends access
    status = await click(page, "#logout");
    cookies = await jar(cdp);
    check("the_logout_button_answers_204_and_the_browser_drops_the_three_cookies",
          status === "POST /logout: 204" && !(ACCESS in cookies) && !(REFRESH in cookies) && !(CSRF in cookies),
          `${status}; ${describe(cookies)}`);
    seen = await notes(page);
    check("after_logout_a_private_fetch_sends_no_cookie_and_gets_401",
          seen.status === 401 && seen.error === "unauthorized", `status ${seen.status}, error ${seen.error}`);
    const {name, value, domain, path, secure, httpOnly, sameSite} = rotated[ACCESS];
    await cdp.send("Network.setCookie", {name, value, domain, path, secure, httpOnly, sameSite});
    seen = await notes(page);
    check("the_old_access_cookie_put_back_gets_401_invalid_token_the_session_is_over",
          seen.status === 401 && seen.error === "invalid_token", `status ${seen.status}, error ${seen.error}`);
} catch (e) {
    check("the_browser_run_finishes", false, `${e.name}: ${String(e.message).split("\n")[0].slice(0, 200)}`);
} finally {
    await browser.close();
    server.close();
}
console.log(`1..${count}`);
process.exit(failures ? 1 : 0);
