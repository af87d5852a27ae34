/* Planbook's Office.js client: custom functions (batched) and the task pane.
 * Our own code (MIT-compatible, part of Planbook); it uses only Microsoft's Office.js API.
 * One shared runtime: the functions and the pane share the sign-in and the workbook's pin. */
(function () {
  "use strict";
  var ROOT = new URL(".", document.currentScript ? document.currentScript.src : location.href)
    .href.replace(/static\/$/, "");
  var TOKEN_KEY = "planbook.token";
  var PIN_KEY = "PLANBOOK_VERSION";
  var FLUSH_MS = 20;          // collect the calls of one recalculation (at most this long), then one request
  var MAX_BATCH = 20000;      // calls per request
  var WATCH_MS = 30000;       // tags and latest are re-checked this often
  var state = { token: "", me: null, pin: "latest", timer: null, refs: {}, errors: [] };

  /* --- per-user storage (never the workbook) ---------------------------------------- */
  function storage() {
    if (window.OfficeRuntime && OfficeRuntime.storage) return OfficeRuntime.storage;
    return {
      getItem: function (k) { return Promise.resolve(localStorage.getItem(k)); },
      setItem: function (k, v) { localStorage.setItem(k, v); return Promise.resolve(); },
      removeItem: function (k) { localStorage.removeItem(k); return Promise.resolve(); },
    };
  }

  /* --- the workbook's own pin, kept in the workbook's settings ----------------------- */
  function readPin() {
    var saved = Office.context.document.settings.get(PIN_KEY);
    if (saved) return Promise.resolve(String(saved));
    return Excel.run(function (ctx) {  // a template carries its pin in its xlwings.conf sheet
      var sheet = ctx.workbook.worksheets.getItemOrNullObject("xlwings.conf");
      return ctx.sync().then(function () {
        if (sheet.isNullObject) return "latest";
        var used = sheet.getUsedRange(true);
        used.load("values");
        return ctx.sync().then(function () {
          var row = used.values.filter(function (r) { return String(r[0]).toUpperCase() === PIN_KEY; })[0];
          return row && String(row[1]).trim() ? String(row[1]).trim() : "latest";
        });
      });
    }).catch(function () { return "latest"; });
  }

  function savePin(pin) {
    state.pin = pin || "latest";
    Office.context.document.settings.set(PIN_KEY, state.pin);
    return new Promise(function (resolve) { Office.context.document.settings.saveAsync(function () { resolve(); }); });
  }

  /* --- HTTP ---------------------------------------------------------------------------- */
  function call(method, path, body) {
    var headers = { "Authorization": "Bearer " + state.token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(ROOT + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!r.ok) {
            var msg = data && data.errors ? data.errors.map(function (e) { return e.msg; }).join("; ") : "the service answered " + r.status;
            var err = new Error(msg); err.status = r.status; throw err;
          }
          return data;
        });
      });
  }

  /* --- custom functions: batched --------------------------------------------------------- */
  var ERROR_TYPES = { NotAvailable: "#N/A", Value: "#VALUE!", Ref: "#REF!", Div0: "#DIV/0!",
    Num: "#NUM!", Name: "#NAME?", Null: "#NULL!", Spill: "#SPILL!", Calc: "#CALC!", Busy: "#BUSY!",
    GettingData: "#GETTING_DATA", Connect: "#CONNECT!", Field: "#FIELD!", Blocked: "#BLOCKED!" };

  function argument(value) {
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map(argument);
    if (typeof value === "object") {
      // a CustomFunctions.Error (code "#N/A") or an Excel error data type (errorType "NotAvailable")
      var code = value.code || ERROR_TYPES[value.errorType] || value.errorType || "#VALUE!";
      return { error: String(code) };  // refused by the service with its reason
    }
    return value;
  }

  function excelError(code, message) {
    var codes = CustomFunctions.ErrorCode;
    var known = { "#N/A": codes.notAvailable, "#VALUE!": codes.invalidValue, "#REF!": codes.invalidReference,
      "#NUM!": codes.invalidNumber, "#DIV/0!": codes.divisionByZero, "#NAME?": codes.invalidName, "#NULL!": codes.nullReference };
    var errorCode = known[code] || codes.invalidValue;
    state.errors.unshift({ at: new Date().toISOString(), code: code, message: message || "" });
    state.errors.length = Math.min(state.errors.length, 50);
    // Excel shows a message with #VALUE! and #N/A only; the pane lists the others
    if (errorCode === codes.invalidValue || errorCode === codes.notAvailable) return new CustomFunctions.Error(errorCode, message);
    return new CustomFunctions.Error(errorCode);
  }

  function resultValue(value) {
    if (Array.isArray(value)) return value.map(resultValue);
    if (value && typeof value === "object" && value.error) return excelError(value.error, value.message);
    return value;
  }

  function cellArgument(value) {
    // one cell travels as its value (the service reads a 1x1 range as its value): a lean body
    if (Array.isArray(value) && value.length === 1 && Array.isArray(value[0]) && value[0].length === 1) value = value[0][0];
    if (typeof value === "string" || typeof value === "number") return value;
    return argument(value);
  }

  /* The calls of one recalculation, collected until Excel pauses: plain PB.GET(account,
   * team, month) calls compactly (the batch's distinct arguments once, three indices a
   * call), every other call as [name, [args...]]. Each call keeps only its promise's two
   * callbacks, in flat arrays. */
  function newQueue() {
    return { args: [], seen: new Map(), at: [], getOk: [], getNo: [], calls: [], ok: [], no: [] };
  }
  var queue = newQueue(), since = 0, counted = 0;

  function intern(q, value) {
    var i = q.seen.get(value);
    if (i === undefined) { i = q.args.length; q.seen.set(value, i); q.args.push(value); }
    return i;
  }

  function plain(v) { return typeof v === "string" || (typeof v === "number" && isFinite(v)); }

  /* One executor for every call's promise (no closure a call): it hands the promise's
   * callbacks over to the call that is being queued. */
  var handedOk = null, handedNo = null;
  function handOver(resolve, reject) { handedOk = resolve; handedNo = reject; }

  function missing(v) { return v === null || v === undefined; }

  /* A call as Excel makes it: ``args`` holds its ``count`` parameters (and the invocation) */
  function enqueue(name, args, count) {
    var a = cellArgument(args[0]), t = cellArgument(args[1]), m = cellArgument(args[2]);
    var compact = name === "GET" && plain(a) && plain(t) && plain(m) &&
      (count < 4 || missing(args[3])) && (count < 5 || missing(args[4]));
    var promise = new Promise(handOver), q = queue;
    if (compact) {
      q.at.push(intern(q, a), intern(q, t), intern(q, m));
      q.getOk.push(handedOk); q.getNo.push(handedNo);
    } else {
      q.calls.push([name, Array.prototype.slice.call(args, 0, count).map(cellArgument)]);
      q.ok.push(handedOk); q.no.push(handedNo);
    }
    if (!state.timer) { since = Date.now(); counted = 0; state.timer = setTimeout(settle, 0); }
    return promise;
  }

  function size(q) { return q.getOk.length + q.ok.length; }

  /* The calls' indices as base64url digits, each index as many digits as the number of
   * arguments needs (1 up to 64, 2 up to 4,096, 3 beyond): half the bytes of a JSON list,
   * and the service reads it without parsing 30,000 numbers (addin/web/gets.py) */
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT_CODES = DIGITS.split("").map(function (c) { return c.charCodeAt(0); });
  function digits(at, count) {
    var width = 1, i, k, v;
    while (Math.pow(64, width) < count) width++;
    var out = new Uint8Array(at.length * width);
    for (i = 0; i < at.length; i++) {
      for (v = at[i], k = width - 1; k >= 0; k--) { out[i * width + k] = DIGIT_CODES[v & 63]; v >>= 6; }
    }
    return new TextDecoder().decode(out);
  }

  /* Excel hands a recalculation's calls over in bursts: send them once a turn of the event
   * loop brought no new call, or after FLUSH_MS at the latest */
  function settle() {
    var n = size(queue);
    if (n !== counted && Date.now() - since < FLUSH_MS) { counted = n; state.timer = setTimeout(settle, 0); return; }
    flush();
  }

  function flush() {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    var q = queue; queue = newQueue();
    if (size(q)) send(q);
  }

  function send(q) {
    if (!state.token) {
      failAll(q, "sign in to Planbook in its task pane (Home > Planbook)");
      return Promise.resolve();
    }
    if (size(q) > MAX_BATCH) return Promise.all(split(q).map(send));
    var body = { pin: state.pin, calls: q.calls, refs: Object.keys(state.refs), errors: state.errors };
    if (q.getOk.length) body.gets = { args: q.args, at: digits(q.at, q.args.length) };
    return call("POST", "functions", body).then(function (out) {
      noteResolved(out.resolved || {});
      var gets = out.gets || [], ok = q.getOk, no = q.getNo, i, v;
      for (i = 0; i < gets.length; i++) {
        v = gets[i];
        if (typeof v === "number") ok[i](v);  // the common case: one amount
        else if (v.error) no[i](excelError(v.error, v.message));
        else ok[i](resultValue(v.value));
      }
      var results = out.results;
      for (i = 0; i < results.length; i++) {
        var r = results[i];
        v = r.value;
        if (typeof v === "number") q.ok[i](v);
        else if ("error" in r) q.no[i](excelError(r.error, r.message));
        else q.ok[i](resultValue(v));
      }
      render();
    }).catch(function (err) { failAll(q, err.message); });
  }

  function failAll(q, message) {
    q.getNo.concat(q.no).forEach(function (no) { no(excelError("#N/A", message)); });
  }

  /* a queue of more than MAX_BATCH calls as several requests */
  function split(q) {
    var parts = [], i, p;
    for (i = 0; i < q.getOk.length; i += MAX_BATCH) {
      p = newQueue();
      for (var j = i; j < Math.min(i + MAX_BATCH, q.getOk.length); j++) {
        p.at.push(intern(p, q.args[q.at[3 * j]]), intern(p, q.args[q.at[3 * j + 1]]), intern(p, q.args[q.at[3 * j + 2]]));
        p.getOk.push(q.getOk[j]); p.getNo.push(q.getNo[j]);
      }
      parts.push(p);
    }
    for (i = 0; i < q.calls.length; i += MAX_BATCH) {
      p = newQueue();
      p.calls = q.calls.slice(i, i + MAX_BATCH); p.ok = q.ok.slice(i, i + MAX_BATCH); p.no = q.no.slice(i, i + MAX_BATCH);
      parts.push(p);
    }
    return parts;
  }

  function noteResolved(resolved) {
    Object.keys(resolved).forEach(function (k) { state.refs[k] = resolved[k]; });
  }

  function register() {
    if (!window.CustomFunctions) return Promise.resolve([]);
    return fetch(ROOT + "functions.json").then(function (r) { return r.json(); }).then(function (meta) {
      meta.functions.forEach(function (f) {
        var count = f.parameters.length;
        CustomFunctions.associate(f.id, function () { return enqueue(f.id, arguments, count); });
      });
      return meta.functions.map(function (f) { return f.id; });
    });
  }

  /* --- tags and latest move: recalculate when what the workbook reads changed -------- */
  function recalc() {
    return Excel.run(function (ctx) {
      ctx.workbook.application.calculate(Excel.CalculationType.full);
      return ctx.sync();
    });
  }

  function check(force) {
    if (!state.token) return Promise.resolve(false);
    var before = JSON.stringify(state.refs);
    return call("POST", "functions", { pin: state.pin, calls: [], refs: Object.keys(state.refs) }).then(function (out) {
      noteResolved(out.resolved || {});
      state.version = out.version;
      render();
      if (force || JSON.stringify(state.refs) !== before) return recalc().then(function () { return true; });
      return false;
    });
  }

  /* --- the task pane ------------------------------------------------------------------ */
  function $(id) { return document.getElementById(id); }

  function say(kind, lines, cells) {
    var box = $("messages");
    if (!box) return;
    box.className = "messages " + kind;
    box.innerHTML = "";
    lines.forEach(function (line) { var p = document.createElement("p"); p.textContent = line; box.appendChild(p); });
    if (cells && cells.length) {
      var ul = document.createElement("ul"); ul.className = "cells";
      cells.forEach(function (c) { var li = document.createElement("li"); li.textContent = c; ul.appendChild(li); });
      box.appendChild(ul);
    }
  }

  function render() {
    if (!$("who")) return;
    var me = state.me;
    $("signin").hidden = !!me;
    $("signed").hidden = !me;
    if (!me) return;
    $("who").textContent = me.name;
    $("role").textContent = me.role + (me.teams.length ? " (" + me.teams.join(", ") + ")" : "");
    $("plan").textContent = me.plan;
    $("pin").value = state.pin;
    var number = state.refs[state.pin] || state.version;
    $("reads").textContent = number ? "version " + number : "";
    var list = $("pins"); list.innerHTML = "";
    ["latest"].concat(me.tags).forEach(function (t) { var o = document.createElement("option"); o.value = t; list.appendChild(o); });
    ["push", "pull", "diff"].forEach(function (b) { $(b).disabled = !me.buttons; $(b).title = me.buttons ? "" : me.buttons_reason; });
    $("buttons-note").textContent = me.buttons ? "" : me.buttons_reason;
  }

  function signIn(token) {
    state.token = token;
    return call("GET", "me").then(function (me) {
      state.me = me;
      return storage().setItem(TOKEN_KEY, token).then(function () { render(); return check(false); });
    }).catch(function (err) {
      state.token = ""; state.me = null; render();
      say("bad", ["Sign-in failed: " + err.message]);
      throw err;
    });
  }

  function signOut() {
    state.token = ""; state.me = null;
    return storage().removeItem(TOKEN_KEY).then(render);
  }

  /* --- buttons: the workbook as xlwings' book JSON, the answer's actions applied ------- */
  var DATE = /(^|[^"\\])[dmyDMY]/;
  function isoDate(serial) {
    var ms = Math.round((serial - 25569) * 86400000);
    return new Date(ms).toISOString().slice(0, 19);
  }

  function readBook(ctx) {
    var sheets = ctx.workbook.worksheets; sheets.load("items/name");
    var active = ctx.workbook.worksheets.getActiveWorksheet(); active.load("name");
    return ctx.sync().then(function () {
      var used = sheets.items.map(function (s) {
        var u = s.getUsedRangeOrNullObject(true); u.load("address,rowCount,columnCount"); return u;
      });
      return ctx.sync().then(function () {
        var ranges = sheets.items.map(function (s, i) {
          if (used[i].isNullObject) return null;
          var last = used[i].address.split("!")[1].split(":").pop();
          var r = s.getRange("A1:" + last); r.load("values,numberFormat"); return r;
        });
        return ctx.sync().then(function () {
          return withPin({
            client: "Office.js", version: (state.me && state.me.xlwings) || "",
            book: { name: "workbook", active_sheet_index: sheets.items.findIndex(function (s) { return s.name === active.name; }), selection: "A1" },
            names: [],
            sheets: sheets.items.map(function (s, i) {
              var values = [[""]];
              if (ranges[i]) {
                values = ranges[i].values.map(function (row, r) {
                  return row.map(function (v, c) {
                    var fmt = String(ranges[i].numberFormat[r][c] || "");
                    return typeof v === "number" && fmt !== "General" && DATE.test(fmt) && fmt.indexOf("#") < 0 ? isoDate(v) : v;
                  });
                });
              }
              return { name: s.name, values: values, pictures: [], tables: [] };
            }),
          });
        });
      });
    });
  }

  /* the buttons read the pin from the xlwings.conf sheet: send them the pane's (in the
   * request only; the sheet itself is not changed) */
  function withPin(book) {
    var conf = book.sheets.filter(function (s) { return s.name === "xlwings.conf"; })[0];
    if (!conf) return book;
    var row = conf.values.filter(function (r) { return String(r[0]).toUpperCase() === PIN_KEY; })[0];
    if (row) { row[1] = state.pin; return book; }
    conf.values.forEach(function (r) { while (r.length < 2) r.push(""); });
    var added = conf.values[0].map(function () { return ""; });
    added[0] = PIN_KEY; added[1] = state.pin;
    conf.values.push(added);
    return book;
  }

  function applyActions(ctx, actions) {
    var alerts = [], marked = [];
    var names = ctx.workbook.worksheets; names.load("items/name");
    return ctx.sync().then(function () {
      var order = names.items.map(function (s) { return s.name; });
      actions.forEach(function (a) {
        var sheet = a.sheet_position === null || a.sheet_position === undefined ? null : ctx.workbook.worksheets.getItem(order[a.sheet_position]);
        var range = sheet && a.start_row !== null && a.start_row !== undefined
          ? sheet.getRangeByIndexes(a.start_row, a.start_column, a.row_count, a.column_count) : null;
        switch (a.func) {
          case "alert": alerts.push({ text: a.args[0], title: a.args[1] }); break;
          case "setValues": range.values = a.values; break;
          case "setRangeColor":
            if (a.args[0]) { range.format.fill.color = a.args[0]; marked.push(order[a.sheet_position] + "!" + cellName(a.start_row, a.start_column)); }
            else range.format.fill.clear();
            break;
          case "setFontProperty": range.format.font[a.args[0]] = a.args[1]; break;
          case "addSheet": ctx.workbook.worksheets.add(a.args[1]); order.splice(a.args[0], 0, a.args[1]); break;
          case "sheetDelete": sheet.delete(); order.splice(a.sheet_position, 1); break;
          case "activateSheet": ctx.workbook.worksheets.getItem(order[a.args[0]]).activate(); break;
          case "setSheetName": sheet.name = a.args[0]; order[a.sheet_position] = a.args[0]; break;
          case "sheetClearContents": sheet.getRange().clear("Contents"); break;
          case "sheetClear": sheet.getRange().clear(); break;
          case "setNumberFormat": range.numberFormat = [[a.args[0]]]; break;
          case "setAutofit": case "setSheetAutofit": break;  // cosmetic
          default: alerts.push({ text: "Planbook: this add-in cannot apply " + a.func + " yet.", title: "" });
        }
      });
      return ctx.sync().then(function () { return { alerts: alerts, marked: marked }; });
    });
  }

  function cellName(row, column) {
    var s = "", c = column + 1;
    while (c > 0) { var m = (c - 1) % 26; s = String.fromCharCode(65 + m) + s; c = Math.floor((c - 1) / 26); }
    return s + (row + 1);
  }

  function runButton(script) {
    say("busy", ["Working..."]);
    return Excel.run(function (ctx) {
      return readBook(ctx).then(function (book) {
        return call("POST", "../xlwings/custom-scripts-call/" + script, book);
      }).then(function (answer) { return applyActions(ctx, answer.actions || []); });
    }).then(function (done) {
      var lines = [];
      done.alerts.forEach(function (a) { lines = lines.concat(String(a.text).split("\n")); });
      var bad = lines.length && lines[0].indexOf("Nothing was pushed") === 0;
      say(bad || done.marked.length ? "bad" : "good", lines.length ? lines : ["Done."], done.marked);
      return done;
    }).catch(function (err) { say("bad", [err.message]); throw err; });
  }

  function wire() {
    $("signin-form").addEventListener("submit", function (e) {
      e.preventDefault(); signIn($("token").value.trim()).then(function () { $("token").value = ""; say("good", ["Signed in."]); }).catch(function () {});
    });
    $("signout").addEventListener("click", function () { signOut(); });
    $("pin-form").addEventListener("submit", function (e) {
      e.preventDefault();
      savePin($("pin").value.trim()).then(function () { return check(true); })
        .then(function () { say("good", ["This workbook now reads " + state.pin + " (version " + state.refs[state.pin] + ")."]); })
        .catch(function (err) { say("bad", [err.message]); });
    });
    $("refresh").addEventListener("click", function () {
      check(true).then(function () { say("good", ["Refreshed: " + state.pin + " is version " + state.refs[state.pin] + "."]); })
        .catch(function (err) { say("bad", [err.message]); });
    });
    $("push").addEventListener("click", function () { runButton("push_budget").catch(function () {}); });
    $("pull").addEventListener("click", function () { runButton("pull_plan").catch(function () {}); });
    $("diff").addEventListener("click", function () { runButton("diff_versions").catch(function () {}); });
  }

  var ready = new Promise(function (resolve) {
    Office.onReady(function () {
      var registered = register();
      var dom = document.readyState === "loading"
        ? new Promise(function (r) { document.addEventListener("DOMContentLoaded", r); }) : Promise.resolve();
      dom.then(readPin).then(function (pin) {
        state.pin = pin;
        if ($("signin-form")) wire();
        return storage().getItem(TOKEN_KEY);
      }).then(function (token) {
        render();
        return token ? signIn(token).catch(function () {}) : null;
      }).then(function () { return registered; }).then(resolve);
      setInterval(function () { check(false).catch(function () {}); }, WATCH_MS);
    });
  });

  window.Planbook = { ready: ready, state: state, signIn: signIn, refresh: function () { return check(true); },
    run: runButton, flush: flush };
})();
