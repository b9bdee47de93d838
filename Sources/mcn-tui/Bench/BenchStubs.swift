// Suites that later work fills in; each list lives in its own file once it exists.
let stepSuites: [BenchSuite] = []
let retrievalSuites: [BenchSuite] = []
