// frappe-js-sdk, unmodified, through an integration's whole day against the server at FRAPPE_URL.
// Prints one line per step; exits non-zero (with the failing step) on the first wrong answer.
"use strict";
const assert = require("node:assert/strict");
const { FrappeApp } = require("frappe-js-sdk");

const url = process.env.FRAPPE_URL;
const marker = Math.random().toString(16).slice(2, 10);
const png = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(1024, 7)]);

// Node has no browser cookie jar: keep the session cookies the way a browser would.
function withCookieJar(app) {
  const jar = new Map();
  app.axios.interceptors.response.use((response) => {
    for (const cookie of response.headers["set-cookie"] || []) {
      const [pair] = cookie.split(";");
      const [key, value] = pair.split("=");
      jar.set(key.trim(), value);
    }
    return response;
  });
  app.axios.interceptors.request.use((config) => {
    if (jar.size) config.headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    return config;
  });
  return app;
}

async function step(name, fn) {
  try {
    const result = await fn();
    console.log(`ok ${name}`);
    return result;
  } catch (error) {
    console.error(`FAILED ${name}:`, error && (error.message || error), error && error.exception ? error.exception : "");
    process.exit(1);
  }
}

(async () => {
  const session = withCookieJar(new FrappeApp(url));
  await step("login", async () => {
    const answer = await session.auth().loginWithUsernamePassword({ username: "Administrator", password: "admin" });
    assert.equal(answer.message, "Logged In");
    assert.equal(await session.auth().getLoggedInUser(), "Administrator");
  });
  const keys = await step("generate_keys", async () => {
    const answer = await session.call().post("frappe.core.doctype.user.user.generate_keys", { user: "Administrator" });
    assert.ok(answer.message.api_key && answer.message.api_secret);
    return answer.message;
  });
  await step("api_key readable from User", async () => {
    const value = await session.db().getValue("User", "api_key", [["name", "=", "Administrator"]]);
    assert.deepEqual(value.message, { api_key: keys.api_key });
  });

  const app = new FrappeApp(url, { useToken: true, token: () => `${keys.api_key}:${keys.api_secret}`, type: "token" });
  const db = app.db();
  await step("token auth", async () => assert.equal(await app.auth().getLoggedInUser(), "Administrator"));
  const todo = await step("createDoc", async () => {
    const doc = await db.createDoc("ToDo", { description: `sdk ${marker}`, priority: "High" });
    assert.equal(doc.status, "Open");
    return doc;
  });
  await step("getDoc", async () => assert.equal((await db.getDoc("ToDo", todo.name)).description, `sdk ${marker}`));
  await step("getDocList with filters", async () => {
    const rows = await db.getDocList("ToDo", {
      fields: ["name", "priority"],
      filters: [["description", "like", `%${marker}%`], ["priority", "=", "High"]],
      orderBy: { field: "modified", order: "desc" },
      limit: 10,
    });
    assert.deepEqual(rows, [{ name: todo.name, priority: "High" }]);
  });
  await step("getCount", async () => assert.equal(await db.getCount("ToDo", [["description", "like", `%${marker}%`]]), 1));
  await step("updateDoc", async () => assert.equal((await db.updateDoc("ToDo", todo.name, { status: "Closed" })).status, "Closed"));
  await step("renameDoc", async () => {
    await db.createDoc("Note", { title: `before ${marker}` });
    await db.renameDoc("Note", `before ${marker}`, `after ${marker}`);
    assert.equal((await db.getDoc("Note", `after ${marker}`)).name, `after ${marker}`);
  });
  const draft = await step("createDoc submittable", () => db.createDoc("Expense Claim", { title: `train ${marker}`, amount: 30 }));
  await step("upload then download", async () => {
    const file = new File([png], "receipt.png", { type: "image/png" });
    const answer = await app.file().uploadFile(file, {
      isPrivate: true, doctype: "Expense Claim", docname: draft.name, fieldname: "receipt",
    });
    const fileUrl = answer.data.message.file_url;
    assert.match(fileUrl, /^\/private\/files\//);
    const download = await app.axios.get(fileUrl, { responseType: "arraybuffer" });
    assert.equal(download.headers["content-type"], "image/png");
    assert.ok(Buffer.from(download.data).equals(png));
  });
  const claim = await step("submit", async () => {
    const submitted = await db.submit(await db.getDoc("Expense Claim", draft.name));
    assert.equal(submitted.docstatus, 1);
    return submitted;
  });
  await step("cancel", async () => {
    await db.cancel("Expense Claim", claim.name);
    assert.equal((await db.getDoc("Expense Claim", claim.name)).docstatus, 2);
  });
  await step("deleteDoc", async () => {
    await db.deleteDoc("ToDo", todo.name);
    await assert.rejects(db.getDoc("ToDo", todo.name), (error) => error.httpStatus === 404);
  });
  await step("error body", async () => {
    await assert.rejects(db.createDoc("ToDo", {}), (error) => error.httpStatus === 417 && error.exc_type === "MandatoryError");
  });
  await step("logout", async () => {
    await session.auth().logout();
    await assert.rejects(session.auth().getLoggedInUser());
  });
})();
