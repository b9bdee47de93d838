// Suites that later work fills in; each list lives in its own file once it exists.
let retrievalSuites: [BenchSuite] = []
