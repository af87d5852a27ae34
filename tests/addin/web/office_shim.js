/* A stand-in for the Office host in a plain browser page: the parts of Office, Excel and
 * CustomFunctions that Planbook's client (addin/web/static/planbook.js) uses, over an
 * in-memory workbook. Test code drives it through window.__shim. */
(function () {
  "use strict";
  function colIndex(letters) { var n = 0; for (var i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64; return n - 1; }
  function colName(c) { var s = ""; c += 1; while (c > 0) { var m = (c - 1) % 26; s = String.fromCharCode(65 + m) + s; c = Math.floor((c - 1) / 26); } return s; }
  function parse(ref) { var m = /^([A-Z]+)(\d+)$/.exec(ref); return [parseInt(m[2], 10) - 1, colIndex(m[1])]; }

  var book = { sheets: [], settings: {}, formulas: [], active: 0, fills: {}, calcs: 0 };
  function Sheet(name) { this.name = name; this.cells = {}; this.fmt = {}; }
  function sheetNamed(name) { return book.sheets.filter(function (s) { return s.name === name; })[0]; }
  function extent(sheet) {
    var r = -1, c = -1;
    Object.keys(sheet.cells).forEach(function (k) { var p = k.split(","); if (sheet.cells[k] !== "") { r = Math.max(r, +p[0]); c = Math.max(c, +p[1]); } });
    return [r, c];
  }

  function Range(sheet, r0, c0, rows, cols) {
    this._s = sheet; this._r = r0; this._c = c0; this._n = rows; this._m = cols;
    var self = this;
    this.format = {
      fill: { clear: function () { self._each(function (k) { delete book.fills[sheet.name + "!" + k]; }); } },
      font: {},
    };
    Object.defineProperty(this.format.fill, "color", { set: function (v) { self._each(function (k) { book.fills[sheet.name + "!" + k] = v; }); } });
  }
  Range.prototype._each = function (fn) {
    for (var i = 0; i < this._n; i++) for (var j = 0; j < this._m; j++) fn(colName(this._c + j) + (this._r + i + 1), this._r + i, this._c + j);
  };
  Range.prototype.load = function () { return this; };
  Object.defineProperty(Range.prototype, "values", {
    get: function () { var out = []; for (var i = 0; i < this._n; i++) { var row = []; for (var j = 0; j < this._m; j++) { var v = this._s.cells[(this._r + i) + "," + (this._c + j)]; row.push(v === undefined ? "" : v); } out.push(row); } return out; },
    set: function (vals) { for (var i = 0; i < vals.length; i++) for (var j = 0; j < vals[i].length; j++) this._s.cells[(this._r + i) + "," + (this._c + j)] = vals[i][j] === null ? "" : vals[i][j]; },
  });
  Object.defineProperty(Range.prototype, "numberFormat", {
    get: function () { var out = []; for (var i = 0; i < this._n; i++) { var row = []; for (var j = 0; j < this._m; j++) row.push(this._s.fmt[(this._r + i) + "," + (this._c + j)] || "General"); out.push(row); } return out; },
    set: function () {},
  });
  Object.defineProperty(Range.prototype, "address", { get: function () {
    return this._s.name + "!A1:" + colName(this._c + this._m - 1) + (this._r + this._n); } });
  Range.prototype.clear = function () { var s = this._s; this._each(function (k, r, c) { delete s.cells[r + "," + c]; }); };

  function Worksheet(sheet) { this._s = sheet; this.name = sheet.name; this.isNullObject = false; }
  Worksheet.prototype.load = function () { return this; };
  Worksheet.prototype.getRange = function (address) {
    if (!address) { var e = extent(this._s); return new Range(this._s, 0, 0, e[0] + 1, e[1] + 1); }
    var parts = address.split(":"), a = parse(parts[0]), b = parse(parts[1] || parts[0]);
    return new Range(this._s, a[0], a[1], b[0] - a[0] + 1, b[1] - a[1] + 1);
  };
  Worksheet.prototype.getRangeByIndexes = function (r, c, n, m) { return new Range(this._s, r, c, n, m); };
  Worksheet.prototype.getUsedRange = function () { var e = extent(this._s); return new Range(this._s, 0, 0, e[0] + 1, e[1] + 1); };
  Worksheet.prototype.getUsedRangeOrNullObject = function () {
    var e = extent(this._s); if (e[0] < 0) return { isNullObject: true, load: function () {} };
    var r = new Range(this._s, 0, 0, e[0] + 1, e[1] + 1); r.isNullObject = false; return r;
  };
  Worksheet.prototype.activate = function () { book.active = book.sheets.indexOf(this._s); };
  Worksheet.prototype.delete = function () { book.sheets.splice(book.sheets.indexOf(this._s), 1); };

  var worksheets = {
    load: function () {},
    get items() { return book.sheets.map(function (s) { return new Worksheet(s); }); },
    getItem: function (name) { var s = sheetNamed(name); if (!s) throw new Error("no sheet " + name); return new Worksheet(s); },
    getItemOrNullObject: function (name) { var s = sheetNamed(name); return s ? new Worksheet(s) : { isNullObject: true }; },
    getActiveWorksheet: function () { return new Worksheet(book.sheets[book.active]); },
    add: function (name) { var s = new Sheet(name); book.sheets.push(s); return new Worksheet(s); },
  };

  var registry = {};
  function calculate() {
    book.calcs += 1;
    // lean per cell (what is timed is the client, not this stand-in): sheets are found once
    // per calculation; each formula's address, arguments and writer are made once (its
    // arguments never change here) and each cell is one call and one settle
    var sheets = {};
    book.sheets.forEach(function (s) { sheets[s.name] = s; });
    var pending = book.formulas.map(function (f) {
      if (f.write === undefined || f.madeFor !== f.arity) prepare(f);
      f.sheetNow = sheets[f.sheet];
      var out;
      try { out = registry[f.name].apply(null, f.call); } catch (e) { f.write(e); return Promise.resolve(); }
      return Promise.resolve(out).then(f.write, f.write);
    });
    book.lastCalc = Promise.all(pending);
  }

  function prepare(f) {
    var at = parse(f.cell), key = at[0] + "," + at[1], call = f.args.slice();
    while (call.length < f.arity) call.push(null);
    call.push({ address: f.sheet + "!" + f.cell });
    f.call = call; f.madeFor = f.arity;
    f.write = function (v) {
      var sheet = f.sheetNow;
      if (!Array.isArray(v)) { sheet.cells[key] = v; return; }
      v.forEach(function (row, i) { row.forEach(function (x, j) { sheet.cells[(at[0] + i) + "," + (at[1] + j)] = x; }); });
    };
  }

  function ErrorValue(code, message) { this.code = code; this.message = message; }
  ErrorValue.prototype.toString = function () { return this.code; };
  window.CustomFunctions = {
    associate: function (id, fn) { registry[id] = fn; },
    Error: ErrorValue,
    ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!", invalidNumber: "#NUM!",
      nullReference: "#NULL!", invalidName: "#NAME?", invalidReference: "#REF!" },
  };
  window.Excel = {
    CalculationType: { full: "Full", recalculate: "Recalculate" },
    run: function (fn) {
      var ctx = { workbook: { worksheets: worksheets, application: { calculate: calculate } }, sync: function () { return Promise.resolve(); } };
      return Promise.resolve().then(function () { return fn(ctx); });
    },
  };
  window.Office = {
    onReady: function (cb) { setTimeout(function () { cb({ host: "Excel" }); }, 0); return Promise.resolve(); },
    context: { document: { settings: {
      get: function (k) { return k in book.settings ? book.settings[k] : null; },
      set: function (k, v) { book.settings[k] = v; },
      saveAsync: function (cb) { setTimeout(function () { cb({ status: "succeeded" }); }, 0); },
    } } },
  };

  var requests = [];
  var realFetch = window.fetch.bind(window);
  window.fetch = function (url, init) {
    var text = init && init.body ? init.body : null;
    requests.push({ url: String(url), get calls() {  // read when asked: not in the timed path
      var body = text ? JSON.parse(text) : null; if (!body || !body.calls) return null;
      return body.calls.length + (body.gets ? body.gets.at.length / 3 : 0); } });
    return realFetch(url, init);
  };

  window.__shim = {
    book: book, registry: registry, requests: requests,
    sheet: function (name, rows) {
      var s = sheetNamed(name) || worksheets.add(name)._s;
      (rows || []).forEach(function (row, i) { row.forEach(function (v, j) { if (v !== null) s.cells[i + "," + j] = v; }); });
      return s;
    },
    formula: function (sheet, cell, name, args) { book.formulas.push({ sheet: sheet, cell: cell, name: name, args: args, arity: 0 }); },
    calculate: function () {
      book.formulas.forEach(function (f) { f.arity = window.__arity[f.name]; });
      calculate(); return book.lastCalc;
    },
    settled: function () { return book.lastCalc || Promise.resolve(); },
    value: function (sheet, cell) { var at = parse(cell); var v = sheetNamed(sheet).cells[at[0] + "," + at[1]]; return v instanceof ErrorValue ? { error: v.code, message: v.message } : v; },
    values: function (sheet) { var s = sheetNamed(sheet); return Object.keys(s.cells).map(function (k) { var v = s.cells[k]; return v instanceof ErrorValue ? v.code : v; }); },
  };
})();
