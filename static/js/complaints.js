/* Complaint pages: the queue, the intake form, a case with its acts, the visitor's lookup.
 * Alpine.js components over /api/v1/complaints/ (see docs/api.md). Uses api() from app.js. */
"use strict";

function deadlineText(d) {
  if (!d) return "";
  if (d.state === "overdue") return interpolate(gettext("超期%s个工作日"), [Math.abs(d.days_left) || 1]);
  if (d.state === "due_today") return gettext("今天到期");
  return interpolate(gettext("剩%s个工作日"), [d.days_left]);
}

function statusLabel(code) {
  const node = document.getElementById("complaint-statuses");
  const labels = node ? JSON.parse(node.textContent) : {};
  return labels[code] || code;
}

function describeData(data) {
  const labels = {
    step_type: gettext("方式"), description: gettext("记录"), participants: gettext("参加人员"), items: gettext("事项"),
    deadline: gettext("期限"), result: gettext("结果"), note: gettext("说明"), agreement: gettext("协议"),
    amount: gettext("金额"), facts: gettext("事实"), legal_basis: gettext("依据"), proposed_amount: gettext("拟罚款"),
    decision_number: gettext("文号"), body: gettext("移送至"), receiver: gettext("接收单位"), transferred_on: gettext("移送日期"),
    reached: gettext("已联系"), comment: gettext("记录"), outcome: gettext("结果"), amount_recovered: gettext("追发金额"),
    workers_paid: gettext("人数"), inspectors: gettext("监察员"), satisfied: gettext("满意"),
  };
  return Object.entries(data || {})
    .filter(([, v]) => v !== "" && v !== null && v !== undefined)
    .map(([k, v]) => `${labels[k] || k}：${Array.isArray(v) ? v.join("、") : v === true ? "✓" : v === false ? "✗" : v}`)
    .join("；");
}

/* Long enough to search: one Chinese character is a name part, one Latin letter or digit is not. */
function searchable(q) {
  return q.length >= 2 || /[\u3400-\u9fff]/.test(q);
}

function newIdempotencyKey() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return String(Date.now()) + Math.random().toString(16).slice(2);
}

document.addEventListener("alpine:init", () => {
  /* The queue: filters in the address bar; default order is the nearest deadline. */
  Alpine.data("complaintList", () => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "", status: p.get("status") || "", channel: p.get("channel") || "",
      category: p.get("category") || "", township: p.get("township") || "", categories: [], townships: [],
      mine: p.get("mine") === "true", overdue: p.get("overdue") === "true", pending: p.get("pending_approval") === "true",
      after: p.get("received_after") || "", before: p.get("received_before") || "",
      async init() {
        this.load();
        const [cats, towns] = await Promise.all([
          api("GET", "/api/v1/complaint-categories/?page_size=100"),
          api("GET", "/api/v1/regions/?level=4&page_size=200"),
        ]);
        if (cats.ok) this.categories = cats.data.results;
        if (towns.ok) this.townships = towns.data.results;
      },
      params() {
        const q = new URLSearchParams();
        if (this.q) q.set("q", this.q);
        if (this.status === "open") q.set("open", "true");
        else if (this.status) q.set("status", this.status);
        if (this.channel) q.set("channel", this.channel);
        if (this.category) q.set("category", this.category);
        if (this.township) q.set("township", this.township);
        if (this.mine) q.set("mine", "true");
        if (this.overdue) q.set("overdue", "true");
        if (this.pending) q.set("pending_approval", "true");
        if (this.after) q.set("received_after", this.after);
        if (this.before) q.set("received_before", this.before);
        q.set("ordering", "deadline");
        return q;
      },
      exportUrl() { return "/api/v1/complaints/export.xlsx?" + this.params().toString(); },
      load() {
        const q = this.params();
        const shown = new URLSearchParams(q);
        shown.delete("ordering");
        if (this.status === "open") { shown.delete("open"); shown.set("status", "open"); }
        return this.fetchPage("/api/v1/complaints/", q, shown);
      },
    });
  });

  /* A case: its facts, timeline and the acts this user may do now. */
  Alpine.data("caseDetail", (id) => ({
    obj: null, error: "", notice: "", current: null, act: {}, actErrors: {}, actMessage: "", actBusy: false,
    candidates: [], uploading: false, uploadError: "",
    wageCase: null, wageChecked: false, canOpenWageCase: false, wageBusy: false, wageError: "",
    async load() {
      const res = await api("GET", `/api/v1/complaints/${id}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
      if (res.ok && new URLSearchParams(window.location.search).get("registered")) {
        this.notice = interpolate(gettext("已登记，案件编号 %s。请打印回执交给来访人。"), [res.data.number]);
      }
      if (res.ok && !this.wageChecked) {
        this.wageChecked = true;
        await this.findWageCase();
      }
    },
    /* The wage case opened from this complaint, if any, for users who see wage cases. */
    async findWageCase() {
      const me = await api("GET", "/api/v1/me/");
      const capabilities = me.ok ? me.data.capabilities : [];
      if (!capabilities.includes("wagecases.view")) return;
      const list = await api("GET", `/api/v1/wage-cases/?complaint=${id}`);
      if (!list.ok) return;
      const row = list.data.results[0];
      if (row) {
        this.wageCase = { id: row.id, number: row.number, status_display: row.status_display };
        return;
      }
      this.canOpenWageCase = capabilities.includes("wagecases.edit") && !["not_accepted", "referred", "withdrawn"].includes(this.obj.status);
    },
    async openWageCase() {
      if (this.wageBusy) return;
      this.wageBusy = true;
      const res = await api("POST", "/api/v1/wage-cases/from-complaint/", { complaint: id });
      this.wageBusy = false;
      if (res.ok) { window.location.href = `/wage-cases/${res.data.id}/?opened=1`; return; }
      const errors = errorsByField(res.data);
      this.wageError = errors.complaint || errors.opened_on || errors._ || res.data.message;
    },
    async open(a) {
      this.current = a;
      this.actErrors = {};
      this.actMessage = "";
      this.act = { reason: "", on_date: "", inspectors: [], outcome: "", amount_recovered: "", workers_paid: "", satisfied: "",
        data: { step_type: "visit", result: "met", body: "arbitration", reached: true } };
      if ((a.name === "assign" || a.name === "accept") && !this.candidates.length) {
        const res = await api("GET", `/api/v1/complaints/${id}/candidates/`);
        if (res.ok) this.candidates = Array.isArray(res.data) ? res.data : res.data.results;
      }
      if (a.name === "assign") this.act.inspectors = this.obj.inspectors.map((u) => u.id);
    },
    payload() {
      const a = this.act;
      const body = { act: this.current.name, reason: a.reason };
      if (a.on_date) body.on_date = a.on_date;
      if (["assign", "accept"].includes(this.current.name) && a.inspectors.length) body.inspectors = a.inspectors;
      if (this.current.name === "request_closure") {
        body.outcome = a.outcome;
        body.amount_recovered = a.amount_recovered || "0";
        body.workers_paid = a.workers_paid === "" ? 0 : Number(a.workers_paid);
      }
      if (this.current.name === "follow_up") body.satisfied = a.satisfied === "" ? null : a.satisfied === "true";
      const dataActs = ["record_step", "order_rectification", "record_rectification", "record_mediation", "notify_penalty",
        "decide_penalty", "transfer", "follow_up"];
      if (dataActs.includes(this.current.name)) {
        const keep = {
          record_step: ["step_type", "description", "participants"], order_rectification: ["items", "deadline"],
          record_rectification: ["result", "note"], record_mediation: ["agreement", "amount"],
          notify_penalty: ["facts", "legal_basis", "proposed_amount"], decide_penalty: ["legal_basis", "amount", "decision_number"],
          transfer: ["body", "receiver", "transferred_on"], follow_up: ["reached", "comment"],
        }[this.current.name];
        body.data = {};
        for (const k of keep) if (a.data[k] !== undefined && a.data[k] !== "") body.data[k] = a.data[k];
      }
      return body;
    },
    async submitAct() {
      this.actBusy = true;
      const res = await api("POST", `/api/v1/complaints/${id}/acts/`, this.payload());
      this.actBusy = false;
      if (res.ok) { this.obj = res.data; this.current = null; return; }
      this.actErrors = errorsByField(res.data);
      this.actMessage = res.data.message;
      if (res.status === 409) await this.load();
    },
    async upload(event) {
      const input = event.target.querySelector("input[type=file]");
      if (!input.files.length) return;
      const form = new FormData();
      form.append("file", input.files[0]);
      this.uploading = true;
      this.uploadError = "";
      const response = await fetch(`/api/v1/complaints/${id}/attachments/`, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", "Accept-Language": document.documentElement.lang },
      });
      this.uploading = false;
      const data = await response.json().catch(() => ({ message: gettext("上传失败。") }));
      if (!response.ok) { this.uploadError = (data.errors && data.errors[0] && data.errors[0].message) || data.message; return; }
      input.value = "";
      await this.load();
    },
  }));

  /* The window's intake form: employer and workers found or quick-registered on the spot,
   * a roster for group complaints, a draft kept in the browser, one submission per form. */
  Alpine.data("intake", (config) => ({
    kind: "complaint", channel: "window", upstream_ref: "", received_on: "", township: "", site_address: "",
    project_name: "", facts: "", period_from: "", period_to: "", categories: [], anonymous: false,
    reporter_name: "", reporter_phone: "", reporter_contact: "",
    employer: null, employerQuery: "", employerHits: [], employerIndex: -1, employerHistory: null, employerListings: [],
    newEmployer: null, complainants: [], workerQuery: "", workerHits: [], workerIndex: -1, newWorker: null,
    allCategories: [], townships: [], errors: {}, message: "", busy: false, restored: false, idempotencyKey: newIdempotencyKey(),
    roster: null, rosterBusy: false,
    async init() {
      const [cats, towns] = await Promise.all([
        api("GET", "/api/v1/complaint-categories/?page_size=100"),
        config.county ? api("GET", `/api/v1/regions/?page_size=200&parent=${config.county}`) : Promise.resolve({ ok: false }),
      ]);
      if (cats.ok) this.allCategories = cats.data.results;
      if (towns.ok) this.townships = towns.data.results;
      const saved = window.localStorage.getItem(draftKey("complaint-new"));
      if (saved) {
        try {
          Object.assign(this, JSON.parse(saved));
          this.restored = true;
        } catch (e) { window.localStorage.removeItem(draftKey("complaint-new")); }
      }
      for (const k of this.draftFields()) this.$watch(k, () => this.saveDraft());
      if (this.employer) this.checkListings(this.employer.id);
    },
    draftFields() {
      return ["kind", "channel", "upstream_ref", "received_on", "township", "site_address", "project_name", "facts",
        "period_from", "period_to", "categories", "anonymous", "reporter_name", "reporter_phone", "reporter_contact",
        "employer", "complainants", "idempotencyKey"];
    },
    saveDraft() {
      const draft = {};
      for (const k of this.draftFields()) draft[k] = this[k];
      const empty = !this.employer && !this.complainants.length && !this.facts;
      if (empty) window.localStorage.removeItem(draftKey("complaint-new"));
      else window.localStorage.setItem(draftKey("complaint-new"), JSON.stringify(draft));
    },
    discard() {
      window.localStorage.removeItem(draftKey("complaint-new"));
      window.location.reload();
    },
    /* employer: suggestions as you type */
    async findEmployer() {
      const q = this.employerQuery.trim();
      this.employerIndex = -1;
      if (!searchable(q)) { this.employerHits = []; return; }
      const res = await api("GET", "/api/v1/employers/?page_size=8&q=" + encodeURIComponent(q));
      if (res.ok && q === this.employerQuery.trim()) this.employerHits = res.data.results;
    },
    employerKey(event) {
      if (event.key === "ArrowDown") { this.employerIndex = Math.min(this.employerIndex + 1, this.employerHits.length - 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { this.employerIndex = Math.max(this.employerIndex - 1, 0); event.preventDefault(); }
      else if (event.key === "Enter") {
        event.preventDefault();
        if (this.employerHits[this.employerIndex >= 0 ? this.employerIndex : 0]) this.pickEmployer(this.employerHits[this.employerIndex >= 0 ? this.employerIndex : 0]);
        else this.startNewEmployer();
      } else if (event.key === "Escape") { this.employerHits = []; }
    },
    async pickEmployer(e) {
      this.employer = { id: e.id, name: e.name, credit_code: e.credit_code };
      this.employerHits = [];
      this.employerQuery = "";
      this.newEmployer = null;
      this.errors.employer = "";
      this.checkListings(e.id);
      const res = await api("GET", `/api/v1/complaints/?page_size=5&employer=${e.id}`);
      this.employerHistory = res.ok ? { count: res.data.count, rows: res.data.results } : null;
    },
    /* Is the employer on the defaulter list (or a major-violation publication) today? */
    async checkListings(employerId) {
      this.employerListings = [];
      const res = await api("GET", `/api/v1/listings/?in_force=true&employer=${employerId}`);
      if (res.ok && this.employer && this.employer.id === employerId) this.employerListings = res.data.results;
    },
    listedText(listing) {
      const dates = [listing.start_on || "?", listing.end_on || "?"];
      if (listing.kind === "major_violation") return interpolate(gettext("该单位的重大劳动保障违法行为已向社会公布（%s至%s）"), dates);
      return interpolate(gettext("该单位已列入%s（%s至%s）"), [listing.kind_display, ...dates]);
    },
    startNewEmployer() {
      const q = this.employerQuery.trim();
      const looksLikeCode = /^[0-9A-Za-z]{18}$/.test(q);
      this.newEmployer = { credit_code: looksLikeCode ? q.toUpperCase() : "", name: looksLikeCode ? "" : q, region: config.county, errors: {} };
      this.employerHits = [];
      this.$nextTick(() => { const el = document.querySelector("[data-testid=new-employer-code]"); if (el) el.focus(); });
    },
    async saveNewEmployer() {
      const body = { credit_code: this.newEmployer.credit_code, name: this.newEmployer.name, region: this.newEmployer.region };
      const res = await api("POST", "/api/v1/employers/", body);
      if (!res.ok) { this.newEmployer.errors = errorsByField(res.data); return; }
      await this.pickEmployer(res.data);
    },
    /* workers */
    async findWorker() {
      const q = this.workerQuery.trim();
      this.workerIndex = -1;
      if (!searchable(q)) { this.workerHits = []; return; }
      const res = await api("GET", "/api/v1/workers/?page_size=8&q=" + encodeURIComponent(q));
      if (res.ok && q === this.workerQuery.trim()) this.workerHits = res.data.results;
    },
    workerKey(event) {
      if (event.key === "ArrowDown") { this.workerIndex = Math.min(this.workerIndex + 1, this.workerHits.length - 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { this.workerIndex = Math.max(this.workerIndex - 1, 0); event.preventDefault(); }
      else if (event.key === "Enter") {
        event.preventDefault();
        const hit = this.workerHits[this.workerIndex >= 0 ? this.workerIndex : 0];
        if (hit) this.addWorker(hit); else this.startNewWorker();
      } else if (event.key === "Escape") { this.workerHits = []; }
    },
    addWorker(w) {
      if (!this.complainants.some((c) => c.worker.id === w.id)) {
        const row = { worker: { id: w.id, name: w.name, id_number: w.id_number }, amount_claimed: "", period_from: "", period_to: "", history: null };
        this.complainants.push(row);
        this.workerHistory(row);
      }
      this.workerHits = [];
      this.workerQuery = "";
      this.newWorker = null;
      // The first complainant un-hides the table, and x-show shows an element only on the next
      // animation frame (setTimeout when the tab is hidden): focus its amount after that.
      const later = document.visibilityState === "visible" ? requestAnimationFrame : setTimeout;
      this.$nextTick(() => later(() => {
        const inputs = document.querySelectorAll("[data-testid=amount]");
        if (inputs.length) inputs[inputs.length - 1].focus();
      }));
    },
    startNewWorker() {
      const q = this.workerQuery.trim().toUpperCase();
      const isId = /^\d{17}[\dX]$/.test(q);
      const check = isId ? checkIdNumber(q) : { error: "" };
      this.newWorker = { id_number: isId ? q : "", name: isId ? "" : this.workerQuery.trim(), phone: "", derived: check.derived || "", errors: {} };
      this.workerHits = [];
      this.$nextTick(() => { const el = document.querySelector(isId ? "[data-testid=new-worker-name]" : "[data-testid=new-worker-id]"); if (el) el.focus(); });
    },
    checkNewWorker() {
      const check = checkIdNumber(this.newWorker.id_number || "");
      this.newWorker.errors = Object.assign({}, this.newWorker.errors, { id_number: check.error });
      this.newWorker.derived = check.derived || "";
      if (check.value) this.newWorker.id_number = check.value;
    },
    async saveNewWorker() {
      const body = { id_number: this.newWorker.id_number, name: this.newWorker.name, phone: this.newWorker.phone, migrant: true };
      const res = await api("POST", "/api/v1/workers/", body);
      if (!res.ok) { this.newWorker.errors = errorsByField(res.data); return; }
      this.addWorker(res.data);
    },
    removeComplainant(index) { this.complainants.splice(index, 1); },
    /* Has this person complained before (here or in any case the user can see)? */
    async workerHistory(row) {
      const res = await api("GET", `/api/v1/complaints/?page_size=5&worker=${row.worker.id}`);
      if (!res.ok) return;
      const item = this.complainants.find((c) => c.worker.id === row.worker.id);
      if (item) item.history = { count: res.data.count, rows: res.data.results };
    },
    total() {
      return this.complainants.reduce((sum, c) => sum + Math.round(Number(c.amount_claimed || 0) * 100), 0) / 100;
    },
    /* group complaint roster */
    async checkRoster(event) {
      const input = event.target.closest("form").querySelector("input[type=file]");
      if (!input.files.length) return;
      const form = new FormData();
      form.append("file", input.files[0]);
      this.rosterBusy = true;
      const response = await fetch(config.rosterCheck, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", "Accept-Language": document.documentElement.lang },
      });
      this.rosterBusy = false;
      const data = await response.json().catch(() => ({ message: gettext("名单读取失败。") }));
      this.roster = response.ok ? data : { ok: false, rows: [], message: data.message || (data.errors && data.errors[0] && data.errors[0].message) };
    },
    dropBadRows() {
      if (!this.roster) return;
      this.roster.rows = this.roster.rows.filter((r) => !r.errors.length);
      this.roster.ok = this.roster.rows.length > 0;
    },
    async addRoster() {
      const rows = this.roster.rows.map((r) => Object.assign({ row: r.row }, r.values));
      this.rosterBusy = true;
      const res = await api("POST", config.rosterRegister, { rows });
      this.rosterBusy = false;
      if (!res.ok) { this.roster.message = res.data.message; return; }
      for (const item of res.data) {
        if (this.complainants.some((c) => c.worker.id === item.worker.id)) continue;
        this.complainants.push({ worker: item.worker, amount_claimed: item.amount_claimed || "", period_from: item.period_from || "", period_to: item.period_to || "" });
      }
      this.roster = null;
    },
    payload() {
      const body = {
        kind: this.kind, channel: this.channel, upstream_ref: this.upstream_ref,
        project_name: this.project_name, site_address: this.site_address, categories: this.categories, facts: this.facts,
        anonymous: this.kind === "report" && this.anonymous,
        complainants: this.complainants.map((c) => {
          const item = { worker: c.worker.id, amount_claimed: c.amount_claimed === "" ? "0" : c.amount_claimed };
          if (c.period_from) item.period_from = c.period_from;
          if (c.period_to) item.period_to = c.period_to;
          return item;
        }),
      };
      if (this.employer) body.employer = this.employer.id;
      if (this.township) body.township = this.township;
      if (this.received_on) body.received_on = this.received_on;
      if (this.period_from) body.period_from = this.period_from;
      if (this.period_to) body.period_to = this.period_to;
      if (this.kind === "report" && !this.anonymous) {
        body.reporter_name = this.reporter_name; body.reporter_phone = this.reporter_phone; body.reporter_contact = this.reporter_contact;
      }
      return body;
    },
    async submit() {
      if (this.busy) return; // one request per form at a time (Ctrl+Enter pressed twice)
      this.busy = true;
      this.message = "";
      const res = await fetch("/api/v1/complaints/", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(),
          "Accept-Language": document.documentElement.lang, "Idempotency-Key": this.idempotencyKey },
        body: JSON.stringify(this.payload()),
      }).then(async (r) => ({ ok: r.ok, status: r.status, data: await r.json().catch(() => ({})) }))
        .catch(() => ({ ok: false, status: 0, data: { message: gettext("网络连接失败，请稍后重试。"), errors: [] } }));
      this.busy = false;
      if ((res.ok || res.status === 409) && res.data.id) {
        // registered now, or by an earlier submission of this same form: show that case
        window.localStorage.removeItem(draftKey("complaint-new"));
        window.location.href = `/complaints/${res.data.id}/?registered=1`;
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = res.data.message || gettext("提交失败。");
      this.$nextTick(() => { const bad = document.querySelector("[aria-invalid=true]"); if (bad) bad.focus(); });
    },
    fieldError(prefix) {
      return Object.entries(this.errors).filter(([k]) => k === prefix || k.startsWith(prefix + ".")).map(([, v]) => v).join(" ");
    },
  }));

  /* The visitor's status lookup (no login). */
  Alpine.data("statusLookup", () => ({
    number: "", phone: "", result: null, error: "", busy: false,
    async lookup() {
      this.busy = true;
      const res = await api("POST", "/api/v1/public/case-status/", { number: this.number, phone: this.phone });
      this.busy = false;
      if (res.ok) { this.result = res.data; this.error = ""; }
      else { this.result = null; this.error = res.status === 404 ? gettext("没有找到：请核对案件编号和手机号码。") : res.data.message; }
    },
  }));
});

/* Ctrl+Enter submits the form the cursor is in (keyboard-first intake). */
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = document.activeElement && document.activeElement.closest("form");
  if (form) { event.preventDefault(); form.requestSubmit(); }
});
