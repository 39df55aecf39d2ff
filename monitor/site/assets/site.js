// monitor report: the index's filters. Plain JavaScript, no library; the data is in the page
// (a page opened from file:// cannot fetch a file beside it).
(function () {
  "use strict";

  // Search folds text as the engine does (monitor/normalize/matching.py `fold`, then lower
  // case): diacritics and tatweel dropped, alef and hamza forms, ى, ة and digits unified.
  var DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var FOLD = [
    [/[أإآٱٲٳ]/g, "ا"], [/[ىئی]/g, "ي"], [/[ةۀ]/g, "ه"], [/ؤ/g, "و"], [/ک/g, "ك"],
    [/٫/g, "."], [/٬/g, ","], [/[،؛؟]/g, " "]
  ];
  function fold(text) {
    text = String(text || "").normalize("NFKC").replace(DIACRITICS, "");
    FOLD.forEach(function (pair) { text = text.replace(pair[0], pair[1]); });
    text = text.replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
    text = text.replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); });
    return text.toLowerCase();
  }
  window.monitorFold = fold;

  var dataNode = document.getElementById("thread-data");
  var form = document.getElementById("filters");
  if (!dataNode || !form) { return; }
  var threads = JSON.parse(dataNode.textContent);
  var rows = {};
  Array.prototype.forEach.call(document.querySelectorAll("#threads > li[data-id]"), function (li) {
    rows[li.getAttribute("data-id")] = li;
  });
  var field = function (id) { return document.getElementById(id); };
  var shown = field("shown");
  var none = field("none");

  function matches(thread, f) {
    if (f.place && thread.places.indexOf(f.place) < 0) { return false; }
    if (f.source && thread.sources.indexOf(f.source) < 0) { return false; }
    if (f.platform && thread.platforms.indexOf(f.platform) < 0) { return false; }
    // a thread shows when its days overlap the range
    if (f.from && thread.last && thread.last < f.from) { return false; }
    if (f.to && thread.first && thread.first > f.to) { return false; }
    return f.words.every(function (word) { return thread.text.indexOf(word) >= 0; });
  }

  function apply() {
    var f = {
      place: field("place").value,
      source: field("source").value,
      platform: field("platform").value,
      from: field("from").value,
      to: field("to").value,
      words: fold(field("q").value).split(/[\s\u00a0]+/).filter(Boolean)
    };
    var count = 0;
    threads.forEach(function (thread) {
      var li = rows[thread.id];
      if (!li) { return; }
      var ok = matches(thread, f);
      li.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + " of " + threads.length + " threads";
    none.hidden = count > 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  // after "Clear" has reset the fields
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
}());
