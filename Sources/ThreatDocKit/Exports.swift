// The layers are ThreatDocKit's API: a client that imports ThreatDocKit sees all of them. Each layer
// is its own target, so the compiler refuses an arrow from a lower layer to a higher one.
@_exported import ThreatDocModel
@_exported import ThreatDocSupport
@_exported import ThreatDocLoad
@_exported import ThreatDocValidate
@_exported import ThreatDocBench
@_exported import ThreatDocSuggest
@_exported import ThreatDocReport
@_exported import ThreatDocInterop
@_exported import ThreatDocScaffold
@_exported import ThreatDocRender
@_exported import ThreatDocOutput
