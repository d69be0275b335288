// Progressive enhancement for every page: the header's search form replaces the plain link.
(function () {
  'use strict';
  var form = document.getElementById('site-search');
  var link = document.getElementById('all-guides-link');
  if (form) { form.hidden = false; }
  if (link) { link.hidden = true; }
})();
