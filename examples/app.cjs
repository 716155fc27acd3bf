// A toy request loop to profile (README, "Profiling"): node examples/app.cjs [ms] [body repeats]
const { createHash } = require("node:crypto");
const parseRequest = (i, body) => JSON.parse(JSON.stringify({ id: i, path: `/items/${i % 97}`, body }));
const hashBody = (request) => createHash("sha256").update(request.body).digest("hex");

function render(request, digest) {
  let html = "<ul>";
  for (let i = 0; i < 50; i++) html += `<li>${request.path} ${digest.slice(0, 8)} item ${i}</li>`;
  return `${html}</ul>`;
}

function serve(ms, body) {
  const end = Date.now() + ms;
  let served = 0;
  while (Date.now() < end) {
    const request = parseRequest(served, body);
    render(request, hashBody(request));
    served++;
  }
  return served;
}

const served = serve(Number(process.argv[2] ?? 3000), "payload ".repeat(Number(process.argv[3] ?? 40)));
console.log(`served ${served} requests`);
