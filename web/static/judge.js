// judge.js: the judge's scoring page (written in the next step).
"use strict";
