import MCNTrain

/// The full-screen workbench over a prepared session; its exit status.
func runWorkbench(_ session: TrainingSession) throws -> Int32 {
    // The screen lands with the workbench; until then a terminal gets the headless lines too.
    runHeadless(session)
}
