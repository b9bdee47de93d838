/// Published figures to print beside a user's runs, copied from /work/shared/published-results.md
/// (each checked there against a primary source, named in `source`). Only the methods MCN compares
/// with (and random init, the baseline every run is compared with) are embedded. Nil = no checked
/// figure: the cell stays empty. Figures are percentages, as the papers give them. They were
/// measured on the full UCF101/HMDB51, split 1, with the papers' own backbones and budgets: a
/// report shows them under their own heading, never mixed with a run's rows.
public enum PublishedResults {
    public struct RetrievalRow: Sendable, Equatable {
        public let method: String
        public let backbone: String
        /// R@1, R@5, R@10, R@20, R@50 (%).
        public let recall: [Double?]
        public let source: String
    }

    public struct FinetuneRow: Sendable, Equatable {
        public let method: String
        public let backbone: String
        public let pretrainedOn: String
        /// Top-1 % on UCF101 and HMDB51 (several backbones or pre-training sets: "a / b").
        public let ucf101: String
        public let hmdb51: String
        public let source: String
    }

    public static let heading = "Published (full UCF101/HMDB51, split 1)"
    /// Where the figures live in this repository (the team's checked list they were copied from
    /// is not shipped).
    public static let file = "Sources/MCNTrain/Eval/PublishedResults.swift"
    public static let ks = [1, 5, 10, 20, 50]

    public static let retrievalUCF101: [RetrievalRow] = [
        RetrievalRow(method: "MCN", backbone: "R(2+1)D", recall: [52.5, nil, nil, nil, nil], source: "MCN abstract"),
        RetrievalRow(method: "random init", backbone: "R3D", recall: [9.9, 18.9, 26.0, 35.5, 51.9], source: "IIC README"),
        RetrievalRow(method: "VCOP", backbone: "R3D", recall: [14.1, 30.3, 40.4, 51.1, 66.5], source: "IIC README"),
        RetrievalRow(method: "VCP", backbone: "R3D", recall: [18.6, 33.6, 42.5, 53.5, 68.1], source: "IIC README"),
        RetrievalRow(method: "Pace Prediction", backbone: "R3D-18", recall: [23.8, 38.1, 46.4, 56.6, 69.8], source: "Pretext-Contrastive-Learning README"),
        RetrievalRow(method: "IIC", backbone: "R3D", recall: [36.5, 54.1, 62.9, 72.4, 83.4], source: "IIC README"),
    ]

    public static let retrievalHMDB51: [RetrievalRow] = [
        RetrievalRow(method: "MCN", backbone: "R(2+1)D", recall: [23.7, nil, nil, nil, nil], source: "MCN abstract"),
    ]

    public static let finetune: [FinetuneRow] = [
        FinetuneRow(method: "MCN", backbone: "R(2+1)D", pretrainedOn: "(paper)", ucf101: "84.8", hmdb51: "54.5", source: "MCN abstract (ICCV 2021)"),
        FinetuneRow(method: "VCOP", backbone: "R3D", pretrainedOn: "UCF101", ucf101: "64.9", hmdb51: "29.5", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "VCOP", backbone: "R(2+1)D", pretrainedOn: "UCF101", ucf101: "72.4", hmdb51: "30.9", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "VCOP", backbone: "C3D", pretrainedOn: "UCF101", ucf101: "65.6", hmdb51: "28.4", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "VCP", backbone: "R3D / R(2+1)D / C3D", pretrainedOn: "UCF101", ucf101: "66.0 / 66.3 / 68.5", hmdb51: "31.5 / 32.2 / 32.5", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "PRP", backbone: "R3D / R(2+1)D / C3D", pretrainedOn: "UCF101", ucf101: "66.5 / 72.1 / 69.1", hmdb51: "29.7 / 35.0 / 34.5", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "Pace Prediction", backbone: "R(2+1)D", pretrainedOn: "UCF101 / Kinetics-400", ucf101: "75.9 / 77.1", hmdb51: "35.9 / 36.6", source: "Pretext-Contrastive-Learning README"),
        FinetuneRow(method: "IIC", backbone: "R3D", pretrainedOn: "UCF101", ucf101: "74.4", hmdb51: "38.3", source: "IIC README"),
    ]
}
