/* Wage-arrears pages: the case list, opening a case, the case page with its payment grid, a
 * worker's claims, construction projects, the defaulter list. Alpine.js components over
 * /api/v1/wage-cases/, /api/v1/wage-projects/ and /api/v1/listings/ (see docs/api.md).
 * Uses api(), pagedList(), errorsByField(), draftKey() and formatDateTime() from app.js.
 *
 * Money: the API gives and takes strings with two decimals. Sums are computed here in integer
 * fen ("12.34" -> 1234, by splitting on the dot), never in floating yuan. */
"use strict";

/* "12.34" -> 1234; "" -> 0; anything that is not an amount of yuan to the fen -> null. */
function toFen(value) {
  const text = String(value === null || value === undefined ? "" : value).trim().replace(/[,，\s]/g, "");
  if (text === "") return 0;
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match || match[1].length > 13) return null; // beyond 10^13 fen integers stop being exact
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

/* 1234 -> "12.34" (the API's form). */
function fenToYuan(fen) {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/* An amount as shown: "—" when there is none (an unconfirmed claim). */
function money(value) {
  return value === null || value === undefined || value === "" ? "—" : value;
}

/* Today in Beijing, as YYYY-MM-DD, whatever the browser's zone. */
function todayIso() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function jsonScript(id, fallback) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : fallback;
}

/* Long enough to search: one Chinese character is a name part, one Latin letter or digit is not. */
function wageSearchable(q) {
  return q.length >= 2 || /[\u3400-\u9fff]/.test(q);
}

/* The timeline's figures, labelled; coded values (payer, source...) by their labels from the
 * page's "wage-codes" JSON. */
function describeWageData(data) {
  const codes = jsonScript("wage-codes", {});
  const shown = (k, v) => (codes[k] && codes[k][v]) || v;
  const labels = {
    source: gettext("来源"), complaint: gettext("投诉案件"), workers: gettext("人数"), claimed: gettext("诉求金额"),
    inspectors: gettext("监察员"), worker: gettext("劳动者"), amount: gettext("金额"), before: gettext("原金额"),
    payer: gettext("支付方"), project: gettext("工程项目"), due_on: gettext("支付期限"), contractor: gettext("总承包单位"),
    transferred_to: gettext("移送"), paid: gettext("已追发工资"), outstanding: gettext("尚欠"), provisional: gettext("暂定"),
    objection_due: gettext("陈述申辩截止"), decision_due: gettext("决定期限"), listed: gettext("列入"), late: gettext("逾期决定"),
    end_on: gettext("列入截止"), kind: gettext("方式"), criteria: gettext("情形"), requested_on: gettext("申请日期"),
  };
  const skip = ["claim", "payment", "allocation", "status"];
  const quiet = ["provisional", "late"]; // said only when true
  return Object.entries(data || {})
    .filter(([k, v]) => !skip.includes(k) && v !== "" && v !== null && v !== undefined && !(Array.isArray(v) && !v.length))
    .filter(([k, v]) => !(quiet.includes(k) && v === false))
    .map(([k, v]) => `${labels[k] || k}${gettext("：")}${Array.isArray(v) ? v.map((x) => shown(k, x)).join(gettext("、")) : v === true ? "✓" : v === false ? "✗" : shown(k, v)}`)
    .join(gettext("；"));
}

/* Working days from today to a date (negative: overdue), from the official calendar. */
async function workingDaysUntil(due) {
  const today = todayIso();
  if (!due) return null;
  if (due === today) return { days: 0, provisional: false };
  const forward = due > today;
  const [start, end] = forward ? [today, due] : [due, today];
  const res = await api("GET", `/api/v1/workdays/?start=${start}&end=${end}`);
  if (!res.ok) return null;
  return { days: forward ? res.data.days : -res.data.days, provisional: res.data.provisional };
}

function dueText(left) {
  if (!left) return "";
  if (left.days < 0) return interpolate(gettext("超期%s个工作日"), [-left.days]);
  if (left.days === 0) return gettext("今天到期");
  return interpolate(gettext("剩%s个工作日"), [left.days]);
}

/* Focus the first field the server refused, once Alpine has shown the errors. */
function focusInvalid(root) {
  const later = document.visibilityState === "visible" ? requestAnimationFrame : setTimeout;
  later(() => {
    const bad = root.querySelector("[aria-invalid='true']");
    if (bad) bad.focus();
  });
}

document.addEventListener("alpine:init", () => {
  /* --- pickers: an employer, a worker, found as you type (as in complaint intake) --------- */

  /* A picker found as you type: `url` is searched with ?q=, the chosen row is emitted as
     `eventName` with the `fields` named. */
  const picker = (eventName, url, fields) => ({
    query: "", hits: [], index: -1,
    async find() {
      const q = this.query.trim();
      this.index = -1;
      if (!wageSearchable(q)) { this.hits = []; return; }
      const res = await api("GET", url + "?page_size=8&q=" + encodeURIComponent(q));
      if (res.ok && q === this.query.trim()) this.hits = res.data.results;
    },
    key(event) {
      if (event.key === "ArrowDown") { this.index = Math.min(this.index + 1, this.hits.length - 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { this.index = Math.max(this.index - 1, 0); event.preventDefault(); }
      else if (event.key === "Enter") {
        event.preventDefault();
        const hit = this.hits[this.index >= 0 ? this.index : 0];
        if (hit) this.pick(hit);
      } else if (event.key === "Escape") { this.hits = []; }
    },
    pick(row) {
      this.hits = [];
      this.query = "";
      this.$dispatch(eventName, Object.fromEntries(fields.map((f) => [f, row[f]])));
    },
  });

  /* Emits `eventName` with the employer chosen ({id, name, credit_code}). */
  Alpine.data("employerSearch", (eventName) => picker(eventName, "/api/v1/employers/", ["id", "name", "credit_code"]));

  /* Emits `eventName` with the worker chosen ({id, name, id_number}). */
  Alpine.data("workerSearch", (eventName) => picker(eventName, "/api/v1/workers/", ["id", "name", "id_number"]));

  /* --- the case list ------------------------------------------------------------------- */

  Alpine.data("wageCaseList", () => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "", status: p.get("status") || "", mine: p.get("mine") === "true",
      outstanding: p.get("outstanding") === "true", from: p.get("opened_from") || "", to: p.get("opened_to") || "",
      project: p.get("project") || "", projects: [],
      employer: p.get("employer") ? { id: Number(p.get("employer")), name: "#" + p.get("employer") } : null,
      worker: p.get("worker") ? { id: Number(p.get("worker")), name: "#" + p.get("worker") } : null,
      async init() {
        this.load();
        const [projects, employer, worker] = await Promise.all([
          api("GET", "/api/v1/wage-projects/?page_size=200"),
          this.employer ? api("GET", `/api/v1/employers/${this.employer.id}/`) : Promise.resolve(null),
          this.worker ? api("GET", `/api/v1/workers/${this.worker.id}/`) : Promise.resolve(null),
        ]);
        if (projects.ok) this.projects = projects.data.results;
        if (employer && employer.ok) this.employer = { id: employer.data.id, name: employer.data.name };
        if (worker && worker.ok) this.worker = { id: worker.data.id, name: worker.data.name };
      },
      params() {
        const q = new URLSearchParams();
        if (this.q) q.set("q", this.q);
        if (this.status) q.set("status", this.status);
        if (this.employer) q.set("employer", this.employer.id);
        if (this.worker) q.set("worker", this.worker.id);
        if (this.project) q.set("project", this.project);
        if (this.mine) q.set("mine", "true");
        if (this.outstanding) q.set("outstanding", "true");
        if (this.from) q.set("opened_from", this.from);
        if (this.to) q.set("opened_to", this.to);
        return q;
      },
      exportUrl() { return "/api/v1/wage-cases/export.xlsx?" + this.params().toString(); },
      pickEmployer(e) { this.employer = e; this.search(); },
      pickWorker(w) { this.worker = w; this.search(); },
      load() { return this.fetchPage("/api/v1/wage-cases/", this.params()); },
    });
  });

  /* --- opening a case directly or from an inspection finding -------------------------- */

  Alpine.data("wageCaseNew", (config) => ({
    source: "direct", employer: null, claims: [], project: "", projects: [], opened_on: "", inspectors: [],
    candidates: jsonScript("inspector-candidates", []), errors: {}, message: "", busy: false, restored: false,
    init() {
      const saved = window.localStorage.getItem(draftKey("wagecase-new"));
      if (saved) {
        try {
          Object.assign(this, JSON.parse(saved));
          this.restored = true;
        } catch (e) { window.localStorage.removeItem(draftKey("wagecase-new")); }
      }
      if (this.employer) this.loadProjects();
      for (const k of this.draftFields()) this.$watch(k, () => this.saveDraft());
    },
    draftFields() { return ["source", "employer", "claims", "project", "opened_on", "inspectors"]; },
    saveDraft() {
      const draft = {};
      for (const k of this.draftFields()) draft[k] = this[k];
      if (!this.employer && !this.claims.length) window.localStorage.removeItem(draftKey("wagecase-new"));
      else window.localStorage.setItem(draftKey("wagecase-new"), JSON.stringify(draft));
    },
    discard() {
      window.localStorage.removeItem(draftKey("wagecase-new"));
      window.location.reload();
    },
    async pickEmployer(e) {
      this.employer = e;
      this.errors.employer = "";
      this.project = "";
      await this.loadProjects();
    },
    /* The projects whose chain holds the employer: a case may only be linked to those. */
    async loadProjects() {
      const res = await api("GET", `/api/v1/wage-projects/?page_size=200&employer=${this.employer.id}`);
      this.projects = res.ok ? res.data.results : [];
    },
    addWorker(w) {
      if (!this.claims.some((c) => c.worker.id === w.id)) {
        this.claims.push({ worker: w, amount_claimed: "", period_from: "", period_to: "" });
      }
      this.$nextTick(() => {
        const inputs = this.$root.querySelectorAll("[data-testid=claim-amount]");
        if (inputs.length) inputs[inputs.length - 1].focus();
      });
    },
    removeClaim(index) { this.claims.splice(index, 1); },
    totalFen() {
      return this.claims.reduce((sum, c) => sum + (toFen(c.amount_claimed) || 0), 0);
    },
    claimError(index) {
      const prefix = `claims.${index}`;
      return Object.entries(this.errors).filter(([k]) => k === prefix || k.startsWith(prefix + ".")).map(([, v]) => v).join(" ");
    },
    payload() {
      const body = {
        source: this.source,
        claims: this.claims.map((c) => {
          const item = { worker: c.worker.id, amount_claimed: c.amount_claimed === "" ? "0" : c.amount_claimed };
          if (c.period_from) item.period_from = c.period_from;
          if (c.period_to) item.period_to = c.period_to;
          return item;
        }),
      };
      if (this.employer) body.employer = this.employer.id;
      if (this.project) body.project = Number(this.project);
      if (this.opened_on) body.opened_on = this.opened_on;
      if (this.inspectors.length) body.inspectors = this.inspectors.map(Number);
      return body;
    },
    async submit() {
      if (this.busy) return;
      this.errors = {};
      this.message = "";
      if (!this.employer) { this.errors = { employer: gettext("请选择欠薪单位。") }; this.message = this.errors.employer; return; }
      this.busy = true;
      const res = await api("POST", "/api/v1/wage-cases/", this.payload());
      this.busy = false;
      if (res.ok) {
        window.localStorage.removeItem(draftKey("wagecase-new"));
        window.location.href = `/wage-cases/${res.data.id}/?opened=1`;
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  /* --- the case page ------------------------------------------------------------------- */

  Alpine.data("wageCase", (id) => ({
    obj: null, error: "", notice: "", kinds: jsonScript("allocation-kinds", {}), candidates: jsonScript("inspector-candidates", []),
    dueLeft: null,
    // confirming claims: {claim id: amount typed}, {claim id: error}
    confirmAmounts: {}, confirmErrors: {},
    // the payment and its allocation grid: {claim id: {wages, compensation, interest}}
    payment: {}, grid: {}, gridErrors: {}, payErrors: {}, payMessage: "", payBusy: false, paymentOpen: false,
    reverse: {}, reverseErrors: {},
    // the other acts
    current: "", act: {}, actErrors: {}, actMessage: "", actBusy: false, projects: [],
    async load() {
      const res = await api("GET", `/api/v1/wage-cases/${id}/`);
      if (!res.ok) { this.error = res.data.message; return; }
      this.show(res.data);
      if (new URLSearchParams(window.location.search).get("opened")) {
        this.notice = interpolate(gettext("已立案，案件编号 %s。"), [res.data.number]);
      }
    },
    show(data) {
      // the rows of the grid and the confirmation inputs exist before the claims are drawn
      for (const c of data.claims) {
        if (!(c.id in this.grid)) this.grid[c.id] = { wages: "", compensation: "", interest: "" };
        if (!(c.id in this.confirmAmounts)) this.confirmAmounts[c.id] = c.amount_confirmed || c.amount_claimed;
      }
      this.obj = data;
      if (!this.payment.payer) this.resetPayment();
      this.refreshDue();
    },
    async refreshDue() {
      this.dueLeft = this.obj && this.obj.payment_due && this.obj.status === "open" ? await workingDaysUntil(this.obj.payment_due) : null;
    },
    can(name) { return !!this.obj && this.obj.allowed_acts.some((a) => a.name === name); },
    actLabel(name) {
      const act = this.obj && this.obj.allowed_acts.find((a) => a.name === name);
      return act ? act.label : name;
    },
    /* A write: the answer is the refreshed case page. */
    async post(url, body) {
      const res = await api("POST", url, body);
      if (res.ok) { this.show(res.data); this.error = ""; }
      else if (res.status === 409 || res.status === 403) { this.error = res.data.message; await this.load(); }
      return res;
    },

    /* confirming what a worker is owed */
    async confirmClaim(claim) {
      const res = await this.post(`/api/v1/wage-cases/${id}/claims/${claim.id}/confirm/`, { amount_confirmed: this.confirmAmounts[claim.id] });
      if (res.ok) { this.confirmErrors = Object.assign({}, this.confirmErrors, { [claim.id]: "" }); this.notice = ""; return; }
      const errors = errorsByField(res.data);
      this.confirmErrors = Object.assign({}, this.confirmErrors, { [claim.id]: errors.amount_confirmed || errors.claim || res.data.message });
    },

    /* the payment and its allocation grid */
    resetPayment() {
      this.payment = { paid_on: todayIso(), amount: "", payer: "employer", method: "bank_transfer", evidence: "" };
      for (const key of Object.keys(this.grid)) this.grid[key] = { wages: "", compensation: "", interest: "" };
      this.gridErrors = {};
      this.payErrors = {};
      this.payMessage = "";
    },
    fillOutstanding(claim) {
      this.grid[claim.id].wages = claim.outstanding && claim.outstanding !== "0.00" ? claim.outstanding : "";
    },
    cellFen(claimId, kind) { return toFen(this.grid[claimId] ? this.grid[claimId][kind] : ""); },
    cellInvalid(claimId, kind) { return this.cellFen(claimId, kind) === null; },
    allocatedFen() {
      let sum = 0;
      for (const claimId of Object.keys(this.grid)) {
        for (const kind of ["wages", "compensation", "interest"]) sum += this.cellFen(claimId, kind) || 0;
      }
      return sum;
    },
    amountFen() { return toFen(this.payment.amount); },
    balanced() {
      const amount = this.amountFen();
      return amount !== null && amount > 0 && amount === this.allocatedFen();
    },
    allocatedText() {
      const amount = this.amountFen();
      return interpolate(gettext("已分配 %s 元，款项金额 %s 元"), [fenToYuan(this.allocatedFen()), amount === null ? "?" : fenToYuan(amount)]);
    },
    gridError(claimId, kind) { return (this.gridErrors[claimId] || {})[kind] || ""; },
    async recordPayment() {
      if (this.payBusy) return;
      this.payErrors = {};
      this.gridErrors = {};
      this.payMessage = "";
      // instant checks here; the server is the authority
      const amount = this.amountFen();
      if (amount === null || amount <= 0) {
        this.payErrors = { amount: gettext("请填写款项金额，最多两位小数。") };
        this.payMessage = this.payErrors.amount;
        focusInvalid(this.$root);
        return;
      }
      const allocations = [];
      const where = []; // allocations[i] is grid cell where[i]
      let invalid = false;
      for (const claim of this.obj.claims) {
        for (const kind of ["wages", "compensation", "interest"]) {
          const fen = this.cellFen(claim.id, kind);
          if (fen === null) {
            invalid = true;
            this.gridErrors[claim.id] = Object.assign({}, this.gridErrors[claim.id], { [kind]: gettext("金额格式不正确。") });
          } else if (fen > 0) {
            allocations.push({ claim: claim.id, amount: fenToYuan(fen), kind });
            where.push([claim.id, kind]);
          }
        }
      }
      if (invalid) { this.payMessage = gettext("分配金额格式不正确，请核对标出的格子。"); focusInvalid(this.$root); return; }
      if (this.allocatedFen() !== amount) {
        this.payMessage = interpolate(gettext("分配合计%s元，与款项金额%s元不符。"), [fenToYuan(this.allocatedFen()), fenToYuan(amount)]);
        this.payErrors = { allocations: this.payMessage };
        return;
      }
      const body = Object.assign({}, this.payment, { amount: fenToYuan(amount), allocations });
      this.payBusy = true;
      const res = await this.post(`/api/v1/wage-cases/${id}/payments/`, body);
      this.payBusy = false;
      if (res.ok) {
        this.resetPayment();
        this.paymentOpen = false;
        this.notice = gettext("款项已登记。");
        return;
      }
      const errors = errorsByField(res.data);
      const gridErrors = {};
      const rest = {};
      for (const [field, message] of Object.entries(errors)) {
        const m = /^allocations\.(\d+)(?:\.(\w+))?$/.exec(field);
        if (m && where[Number(m[1])]) {
          const [claimId, kind] = where[Number(m[1])];
          gridErrors[claimId] = Object.assign({}, gridErrors[claimId], { [kind]: message });
        } else {
          rest[field] = message;
        }
      }
      this.gridErrors = gridErrors;
      this.payErrors = rest;
      this.payMessage = rest._ || rest.allocations || res.data.message;
      focusInvalid(this.$root);
    },
    async reversePayment(p) {
      const res = await this.post(`/api/v1/wage-cases/${id}/payments/${p.id}/reverse/`, { reason: this.reverse[p.id] || "" });
      if (res.ok) { this.reverse[p.id] = ""; this.reverseErrors = Object.assign({}, this.reverseErrors, { [p.id]: "" }); return; }
      const errors = errorsByField(res.data);
      this.reverseErrors = Object.assign({}, this.reverseErrors, { [p.id]: errors.reason || errors.payment || res.data.message });
    },
    async confirmReceipt(a) {
      const res = await this.post(`/api/v1/wage-cases/${id}/allocations/${a.id}/confirm-receipt/`, {});
      if (!res.ok && res.status === 400) this.error = Object.values(errorsByField(res.data))[0] || res.data.message;
    },

    /* the other acts, one form at a time */
    async open(name) {
      this.current = this.current === name ? "" : name;
      this.actErrors = {};
      this.actMessage = "";
      this.act = {
        inspectors: this.obj.inspectors.map((u) => u.id), worker: null, amount_claimed: "", period_from: "", period_to: "",
        project: this.obj.project ? String(this.obj.project.id) : "", ordered_on: "", by: "days", due_on: "", working_days: "15",
        note: "", on_date: "", transferred_to: "", closed_on: "",
      };
      if (name === "link_project") {
        const res = await api("GET", `/api/v1/wage-projects/?page_size=200&employer=${this.obj.employer.id}`);
        this.projects = res.ok ? res.data.results : [];
      }
    },
    actPayload() {
      const a = this.act;
      const optional = (body, key, value) => { if (value !== "" && value !== null && value !== undefined) body[key] = value; return body; };
      switch (this.current) {
        case "assign": return ["assign/", { inspectors: a.inspectors.map(Number) }];
        case "add_claim": {
          const body = { worker: a.worker ? a.worker.id : null, amount_claimed: a.amount_claimed || "0" };
          optional(body, "period_from", a.period_from);
          return ["claims/", optional(body, "period_to", a.period_to)];
        }
        case "link_project": return ["project/", { project: a.project ? Number(a.project) : null }];
        case "order_payment": {
          const body = optional({}, "ordered_on", a.ordered_on);
          if (a.by === "date") body.due_on = a.due_on || null;
          else body.working_days = a.working_days === "" ? null : Number(a.working_days);
          return ["order-payment/", optional(body, "note", a.note)];
        }
        case "order_contractor": return ["order-contractor/", optional(optional({}, "ordered_on", a.ordered_on), "note", a.note)];
        case "mark_incident": return ["mark-incident/", optional({ note: a.note }, "on_date", a.on_date)];
        case "close": {
          const body = optional({}, "transferred_to", a.transferred_to);
          optional(body, "closed_on", a.closed_on);
          return ["close/", optional(body, "note", a.note)];
        }
        default: return ["", {}];
      }
    },
    async submitAct() {
      const [path, body] = this.actPayload();
      if (!path) return;
      this.actBusy = true;
      const res = await this.post(`/api/v1/wage-cases/${id}/${path}`, body);
      this.actBusy = false;
      if (res.ok) { this.current = ""; return; }
      this.actErrors = errorsByField(res.data);
      this.actMessage = this.actErrors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  /* --- one worker's claims across the county's cases ----------------------------------- */

  Alpine.data("wageWorker", (workerId) => ({
    obj: null, error: "",
    async load() {
      const res = await api("GET", `/api/v1/wage-workers/${workerId}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
    },
  }));

  /* --- construction projects ----------------------------------------------------------- */

  Alpine.data("projectList", () => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "",
      init() { this.load(); },
      load() {
        const params = new URLSearchParams();
        if (this.q) params.set("q", this.q);
        return this.fetchPage("/api/v1/wage-projects/", params);
      },
    });
  });

  /* The fields of a project, for the new-project form and the edit form of the project page. */
  const PROJECT_BLANK = {
    name: "", county: "", site_region: "", address: "", developer: null, general_contractor: null,
    special_account_bank: "", special_account_number: "", deposit_amount: "", deposit_form: "", started_on: "", completed_on: "",
  };
  function projectFields() {
    return {
      form: Object.assign({}, PROJECT_BLANK), counties: [], townships: [], errors: {}, message: "", busy: false,
      async loadCounties() {
        const res = await api("GET", "/api/v1/regions/?level=3&page_size=200");
        this.counties = res.ok ? res.data.results : [];
        if (!this.form.county && this.counties.length === 1) this.form.county = this.counties[0].code;
        await this.loadTownships();
      },
      async loadTownships() {
        if (!this.form.county) { this.townships = []; return; }
        const res = await api("GET", `/api/v1/regions/?page_size=200&parent=${this.form.county}`);
        this.townships = res.ok ? res.data.results : [];
      },
      async pickCounty() {
        this.form.site_region = "";
        await this.loadTownships();
      },
      body(fields) {
        const body = {};
        for (const key of fields) {
          const v = this.form[key];
          if (key === "developer" || key === "general_contractor") body[key] = v ? v.id : null;
          else if (key === "site_region") body[key] = v || this.form.county || undefined;
          else if (["started_on", "completed_on", "deposit_amount"].includes(key)) body[key] = v === "" ? null : v;
          else body[key] = v;
        }
        for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
        return body;
      },
    };
  }

  Alpine.data("projectNew", () => Object.assign(projectFields(), {
    restored: false,
    async init() {
      const saved = window.localStorage.getItem(draftKey("wage-project-new"));
      if (saved) {
        try { Object.assign(this.form, JSON.parse(saved)); this.restored = true; } catch (e) { window.localStorage.removeItem(draftKey("wage-project-new")); }
      }
      await this.loadCounties();
      this.$watch("form", (value) => {
        const dirty = Object.entries(value).some(([k, v]) => k !== "county" && v !== PROJECT_BLANK[k]);
        if (dirty) window.localStorage.setItem(draftKey("wage-project-new"), JSON.stringify(value));
        else window.localStorage.removeItem(draftKey("wage-project-new"));
      }, { deep: true });
    },
    discard() {
      window.localStorage.removeItem(draftKey("wage-project-new"));
      window.location.reload();
    },
    async submit() {
      if (this.busy) return;
      this.busy = true;
      const fields = Object.keys(PROJECT_BLANK).filter((k) => this.form[k] !== "" && this.form[k] !== null);
      const res = await api("POST", "/api/v1/wage-projects/", this.body(fields));
      this.busy = false;
      if (res.ok) {
        window.localStorage.removeItem(draftKey("wage-project-new"));
        window.location.href = `/wage-cases/projects/${res.data.id}/`;
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  Alpine.data("projectDetail", (id) => Object.assign(projectFields(), {
    obj: null, error: "", editing: false, loaded: null,
    party: { role: "subcontractor", employer: null, leader_name: "", leader_phone: "", parent: "", note: "" },
    partyErrors: {}, partyMessage: "", partyBusy: false, removeError: "",
    async load() {
      const res = await api("GET", `/api/v1/wage-projects/${id}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
    },
    /* parties under which another may be added: not labour teams */
    parents() {
      return this.obj ? this.obj.parties.filter((p) => p.role !== "labour_team") : [];
    },
    async startEdit() {
      const o = this.obj;
      this.form = {
        name: o.name, county: o.county, site_region: o.site_region === o.county ? "" : o.site_region, address: o.address,
        developer: o.developer, general_contractor: o.general_contractor, special_account_bank: o.special_account_bank,
        special_account_number: o.special_account_number, deposit_amount: o.deposit_amount || "", deposit_form: o.deposit_form,
        started_on: o.started_on || "", completed_on: o.completed_on || "",
      };
      this.loaded = JSON.parse(JSON.stringify(this.form));
      this.errors = {};
      this.message = "";
      this.editing = true;
      await this.loadTownships();
    },
    async save() {
      if (this.busy) return;
      const changed = Object.keys(PROJECT_BLANK).filter(
        (k) => k !== "county" && JSON.stringify(this.form[k]) !== JSON.stringify(this.loaded[k]),
      );
      if (!changed.length) { this.editing = false; return; }
      this.busy = true;
      const res = await api("PATCH", `/api/v1/wage-projects/${id}/`, this.body(changed));
      this.busy = false;
      if (res.ok) { this.obj = res.data; this.editing = false; return; }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      focusInvalid(this.$root);
    },
    async addParty() {
      if (this.partyBusy) return;
      const p = this.party;
      const body = { role: p.role, employer: p.employer ? p.employer.id : null, leader_name: p.leader_name, leader_phone: p.leader_phone, note: p.note };
      if (p.parent) body.parent = Number(p.parent);
      this.partyBusy = true;
      const res = await api("POST", `/api/v1/wage-projects/${id}/parties/`, body);
      this.partyBusy = false;
      if (res.ok) {
        this.obj = res.data;
        this.party = { role: "subcontractor", employer: null, leader_name: "", leader_phone: "", parent: "", note: "" };
        this.partyErrors = {};
        this.partyMessage = "";
        return;
      }
      this.partyErrors = errorsByField(res.data);
      this.partyMessage = this.partyErrors._ || res.data.message;
    },
    async removeParty(row) {
      if (!window.confirm(interpolate(gettext("从项目中移除“%s”？"), [row.employer ? row.employer.name : row.leader_name]))) return;
      const res = await api("DELETE", `/api/v1/wage-projects/${id}/parties/${row.party}/`);
      if (res.ok) { this.obj = res.data; this.removeError = ""; return; }
      const errors = errorsByField(res.data);
      this.removeError = errors.party || Object.values(errors)[0] || res.data.message;
    },
  }));

  /* --- the defaulter list -------------------------------------------------------------- */

  Alpine.data("listingList", (config) => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      tab: p.get("tab") || "in_force", kind: p.get("kind") || "", q: p.get("q") || "",
      checking: false, checked: null, checkError: "",
      proposing: false, proposal: { employer: null, kind: "defaulter", facts: "", wage_cases: [] }, employerCases: [],
      proposalErrors: {}, proposalMessage: "", proposalBusy: false,
      init() { this.load(); },
      setTab(tab) { this.tab = tab; this.search(); },
      params() {
        const params = new URLSearchParams();
        if (this.kind) params.set("kind", this.kind);
        if (this.q) params.set("q", this.q);
        if (this.tab === "in_force") params.set("in_force", "true");
        return params;
      },
      async load() {
        const shown = this.params();
        shown.delete("in_force");
        shown.set("tab", this.tab);
        if (this.tab !== "pending") return this.fetchPage("/api/v1/listings/", this.params(), shown);
        // awaiting action: proposed (to notify) and notified (to decide); the API filters one status at a time
        this.loading = true;
        window.history.replaceState(null, "", "?" + shown.toString());
        const wanted = ["proposed", "notified"].map((status) => {
          const params = this.params();
          params.set("status", status);
          params.set("page_size", "200");
          return api("GET", "/api/v1/listings/?" + params.toString());
        });
        const answers = await Promise.all(wanted);
        this.loading = false;
        const failed = answers.find((r) => !r.ok);
        if (failed) { this.error = failed.data.message; this.rows = []; this.count = null; return; }
        this.error = "";
        this.rows = answers.flatMap((r) => r.data.results).sort((a, b) => (a.proposed_at < b.proposed_at ? 1 : -1));
        this.count = this.rows.length;
        this.page = 1;
        this.pages = 1;
      },
      async check() {
        this.checking = true;
        const res = await api("POST", "/api/v1/listings/check/");
        this.checking = false;
        if (!res.ok) { this.checkError = Object.values(errorsByField(res.data))[0] || res.data.message; this.checked = null; return; }
        this.checkError = "";
        this.checked = res.data;
        this.tab = "pending";
        this.search();
      },
      async pickEmployer(e) {
        this.proposal.employer = e;
        this.proposal.wage_cases = [];
        const res = await api("GET", `/api/v1/wage-cases/?page_size=100&employer=${e.id}`);
        this.employerCases = res.ok ? res.data.results : [];
      },
      async propose() {
        if (this.proposalBusy) return;
        const p = this.proposal;
        if (!p.employer) { this.proposalErrors = { employer: gettext("请选择用人单位。") }; return; }
        this.proposalBusy = true;
        const res = await api("POST", "/api/v1/listings/", { employer: p.employer.id, kind: p.kind, facts: p.facts, wage_cases: p.wage_cases.map(Number) });
        this.proposalBusy = false;
        if (res.ok) { window.location.href = `/wage-cases/listings/${res.data.id}/`; return; }
        this.proposalErrors = errorsByField(res.data);
        this.proposalMessage = this.proposalErrors._ || res.data.message;
      },
    });
  });

  Alpine.data("listingDetail", (id) => ({
    obj: null, error: "", forms: {}, errors: {}, messages: {}, busy: "",
    blank() {
      return {
        notify: { notified_on: "", note: "" },
        record_objection: { received_on: "", objection: "", result: "" },
        extend: { note: "" },
        decide: { listed: "true", note: "", decided_on: "", end_on: "" },
        request_removal: { requested_on: "", pledge: false, note: "" },
        refuse_removal: { note: "" },
        remove: { kind: "early", note: "", removed_on: "" },
        withdraw: { note: "" },
      };
    },
    async load() {
      const res = await api("GET", `/api/v1/listings/${id}/`);
      if (res.ok) { this.forms = this.blank(); this.obj = res.data; }
      else this.error = res.data.message;
    },
    can(act) { return !!this.obj && this.obj.allowed_acts.includes(act); },
    body(act) {
      const body = {};
      for (const [k, v] of Object.entries(this.forms[act])) {
        if (v === "" && k !== "note" && k !== "objection" && k !== "result") continue; // dates left empty: today
        body[k] = k === "listed" ? v === "true" : v;
      }
      return body;
    },
    async submit(act) {
      if (this.busy) return;
      this.busy = act;
      const res = await api("POST", `/api/v1/listings/${id}/acts/${act}/`, this.body(act));
      this.busy = "";
      if (res.ok) { this.forms = this.blank(); this.obj = res.data; this.errors = {}; this.messages = {}; this.error = ""; return; }
      if (res.status === 409) { this.error = res.data.message; await this.load(); return; }
      this.errors = Object.assign({}, this.errors, { [act]: errorsByField(res.data) });
      this.messages = Object.assign({}, this.messages, { [act]: errorsByField(res.data)._ || errorsByField(res.data).listing || res.data.message });
    },
    err(act, field) { return (this.errors[act] || {})[field] || ""; },
  }));

  /* --- an employer's listings in force (employer page) ---------------------------------- */

  Alpine.data("employerListings", (employerId) => ({
    listings: [],
    async init() {
      const res = await api("GET", `/api/v1/listings/?in_force=true&employer=${employerId}`);
      this.listings = res.ok ? res.data.results : [];
    },
  }));
});

/* The warning shown when an employer is on a list: "该单位已列入…名单（起止日期）". */
function listingWarning(listing) {
  const dates = [listing.start_on || "?", listing.end_on || "?"];
  if (listing.kind === "major_violation") return interpolate(gettext("该单位的重大劳动保障违法行为已向社会公布（%s至%s）"), dates);
  return interpolate(gettext("该单位已列入%s（%s至%s）"), [listing.kind_display, ...dates]);
}
