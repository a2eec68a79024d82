// Dashboard charts: each canvas names the JSON block (json_script) that holds its numbers.
// The same numbers are in the table beside it, so the canvas is hidden from screen readers.
(() => {
  if (typeof Chart === "undefined") return;
  const palette = ["#0b5d3b", "#0a5a8a", "#c26a00", "#7a3e9d", "#b0303b", "#4d7c0f", "#5b6770", "#0e7490", "#a16207"];
  const rupiahShort = (value) => {
    const units = [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"]];
    for (const [size, word] of units) {
      if (Math.abs(value) >= size) return "Rp " + (value / size).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + " " + word;
    }
    return "Rp " + value.toLocaleString("id-ID");
  };
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) continue;
    const data = JSON.parse(source.textContent);
    const doughnut = data.kind === "doughnut";
    const format = (value) => (data.money ? rupiahShort(value) : value.toLocaleString("id-ID"));
    new Chart(canvas, {
      type: data.kind,
      data: {
        labels: data.labels,
        datasets: data.datasets.map((dataset, index) => ({
          label: dataset.label,
          data: dataset.data,
          backgroundColor: doughnut ? palette : palette[index % palette.length],
          borderColor: doughnut ? "#fff" : palette[index % palette.length],
          tension: 0.25,
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: data.kind === "bar" && data.labels.length > 8 ? "y" : "x",
        plugins: {
          legend: { display: doughnut || data.datasets.length > 1 },
          tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + format(item.raw) } },
        },
        scales: doughnut ? {} : { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
      },
    });
  }
})();
