// The model layer is part of ThreatDocKit's API: a client that imports ThreatDocKit sees its values.
@_exported import ThreatDocModel
