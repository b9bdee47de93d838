// Suites that later work fills in; each list lives in its own file once it exists.
let decodeSuites: [BenchSuite] = []
let retrievalSuites: [BenchSuite] = []
