import ThreatDocModel
import ThreatDocSupport
/// `reviewed:` is a real date, not in the future, and not older than the allowed review age.
public struct ReviewIsCurrent: ModelRule {
    public static let codes: [DiagnosticCode] = [.invalidDate, .reviewInFuture, .reviewOverdue]

    public func check(_ context: ModelContext, into diagnostics: inout DiagnosticBag) {
        guard let reviewed = context.model.reviewed else { return }
        guard let date = CalendarDate(reviewed.value) else {
            diagnostics.report(.invalidDate, "\(reviewed.value.debugSnippet) is not a date", at: reviewed.location)
            return
        }
        let today = context.options.today
        let age = today.daysSinceEpoch - date.daysSinceEpoch
        if age < 0 {
            diagnostics.report(.reviewInFuture, "review date \(date) is in the future (today is \(today))",
                               at: reviewed.location)
        } else if age > context.options.maxReviewAgeDays {
            diagnostics.report(.reviewOverdue,
                "last review was \(age) days ago, more than the limit of \(context.options.maxReviewAgeDays) days",
                at: reviewed.location)
        }
    }
}
