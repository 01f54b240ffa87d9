// The layers beneath are part of ThreatDocKit's API: a client that imports ThreatDocKit sees them.
@_exported import ThreatDocModel
@_exported import ThreatDocSupport
@_exported import ThreatDocLoad
