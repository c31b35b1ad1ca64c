/**
 * The page's only script: sorting tables by a header click, the grid's category filter, and the
 * full-image view. Plain DOM, no library, nothing loaded from anywhere.
 */
export const CLIENT_SCRIPT = `
(function () {
  function sortValue(td) {
    var v = td.getAttribute('data-sort');
    if (v !== null) return v === '' ? null : Number(v);
    return td.textContent.trim().toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a.cells[col]), y = sortValue(b.cells[col]);
          if (x === y) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var filter = document.getElementById('category-filter');
  if (filter) filter.addEventListener('change', function () {
    document.querySelectorAll('#grid tbody tr').forEach(function (tr) {
      tr.style.display = filter.value === '' || tr.getAttribute('data-category') === filter.value ? '' : 'none';
    });
  });
  var modal = document.getElementById('modal');
  if (!modal) return;
  var full = document.getElementById('modal-image');
  document.querySelectorAll('img.thumb').forEach(function (img) {
    img.addEventListener('click', function () {
      full.src = img.getAttribute('data-full') || img.src;
      document.getElementById('modal-title').textContent = img.title;
      document.getElementById('modal-settings').textContent = img.getAttribute('data-settings') || '';
      document.getElementById('modal-command').textContent = img.getAttribute('data-command') || '';
      modal.classList.add('open');
    });
  });
  modal.addEventListener('click', function (e) { if (e.target === modal) modal.classList.remove('open'); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') modal.classList.remove('open'); });
})();
`;
