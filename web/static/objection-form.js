// The objection form: choosing "organization" selects the unified social
// credit code as the ID type, and "person" a personal document, so that the
// ID type matches the kind of objector. The form works without it (the
// server says when they do not match).
(function () {
  "use strict";
  var form = document.querySelector("form.objection-form");
  if (!form) return;
  var idType = form.querySelector("select[name=id_type]");
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.name !== "kind" || !idType) return;
    if (t.value === "organization") {
      idType.value = "uscc";
    } else if (idType.value === "uscc") {
      idType.value = "resident";
    }
  });
})();
