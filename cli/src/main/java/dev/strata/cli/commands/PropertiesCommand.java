package dev.strata.cli.commands;

import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.check.DatabaseInventory;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.sst.TableFormat;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.vfs.LocalStorage;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata properties}: the database's files as their headers describe them: the manifest
 * (with every column family it records: id, name, flushed seqno, tables), every live table with
 * its family and the properties block it stores (level, size, entries, tombstones, seqno and key
 * ranges, blocks, compression, bloom filter), and every WAL segment. Reads the files directly
 * ({@link DatabaseInventory}), without opening the database.
 */
@Command(name = "properties", aliases = "props",
        description = "List the manifest and its column families, every live table with its stored properties, "
                + "and every WAL segment.")
public final class PropertiesCommand extends DbCommand {

    @Override
    public Integer call() {
        Path dir = session().access().existingDatabase(root());
        DatabaseInventory inv = DatabaseInventory.read(dir, LocalStorage.INSTANCE);
        ManifestState manifest = inv.manifest();
        if (json()) {
            List<Json.Obj> families = new ArrayList<>();
            for (ManifestState.FamilyState f : manifest.families()) {
                families.add(Json.obj().put("id", f.id()).put("name", f.name()).put("flushedSeqno", f.flushedSeqno())
                        .put("tables", f.files().size()).put("bytes", bytes(f)));
            }
            List<Json.Obj> tables = new ArrayList<>();
            for (DatabaseInventory.Table t : inv.tables()) {
                FileMeta m = t.meta();
                TableProperties p = t.properties();
                tables.add(Json.obj().put("columnFamily", t.columnFamily()).put("number", m.fileNumber())
                        .put("level", m.level()).put("bytes", m.fileSize())
                        .put("entries", p.entries()).put("pointTombstones", p.pointTombstones())
                        .put("rangeTombstones", p.rangeTombstones()).put("smallestSeqno", p.smallestSeqno())
                        .put("largestSeqno", p.largestSeqno()).putBytes("smallestKey", p.smallestKey())
                        .putBytes("largestKey", p.largestKey()).put("dataBlocks", p.dataBlocks())
                        .put("compression", compression(p)).put("dictionaryBytes", p.dictionaryBytes())
                        .put("bloomBitsPerKey", p.bloomBitsPerKey()).put("rawKeyBytes", p.rawKeyBytes())
                        .put("rawValueBytes", p.rawValueBytes()).put("formatVersion", p.formatVersion()));
            }
            List<Json.Obj> segments = new ArrayList<>();
            for (DatabaseInventory.Segment s : inv.segments()) {
                segments.add(Json.obj().put("number", s.number()).put("bytes", s.bytes())
                        .put("firstSeqno", s.header() == null ? null : s.header().firstSeqno())
                        .put("logOnly", s.logOnly()).put("tornAtCreation", s.header() == null));
            }
            print(Json.obj().put("manifest", Json.obj().put("formatVersion", Manifest.VERSION)
                            .put("nextFileNumber", manifest.nextFileNumber())
                            .put("nextColumnFamilyId", manifest.nextFamilyId())
                            .put("flushedSeqno", manifest.minFlushedSeqno()))
                    .put("columnFamilies", families).put("tables", tables).put("walSegments", segments));
            return ExitCode.OK;
        }
        out().println("manifest: format " + Manifest.VERSION + ", next file number " + manifest.nextFileNumber()
                + ", next column family id " + manifest.nextFamilyId() + ", flushed seqno "
                + manifest.minFlushedSeqno() + ", " + VerifyCommand.plural(inv.tables().size(), "table"));
        out().println();
        TextTable f = new TextTable(out(), "COLUMN FAMILY", "ID", "FLUSHED SEQNO", "TABLES", "BYTES");
        for (ManifestState.FamilyState fam : manifest.families()) {
            f.row(fam.name(), String.valueOf(fam.id()), String.valueOf(fam.flushedSeqno()),
                    String.valueOf(fam.files().size()), String.valueOf(bytes(fam)));
        }
        f.finish();
        if (!inv.tables().isEmpty()) {
            out().println();
            TextTable t = new TextTable(out(), "COLUMN FAMILY", "LEVEL", "TABLE", "BYTES", "ENTRIES", "DELETES",
                    "RANGE-DELETES", "SEQNOS", "BLOCKS", "COMPRESSION", "BLOOM", "KEYS");
            for (DatabaseInventory.Table table : inv.tables()) {
                FileMeta m = table.meta();
                TableProperties p = table.properties();
                t.row(table.columnFamily(), "L" + m.level(), String.valueOf(m.fileNumber()), String.valueOf(m.fileSize()),
                        String.valueOf(p.entries()), String.valueOf(p.pointTombstones()),
                        String.valueOf(p.rangeTombstones()), p.smallestSeqno() + ".." + p.largestSeqno(),
                        String.valueOf(p.dataBlocks()), compression(p),
                        p.bloomBitsPerKey() == 0 ? "none" : p.bloomBitsPerKey() + " bits/key",
                        show(p.smallestKey()) + " .. " + show(p.largestKey()));
            }
            t.finish();
        }
        out().println();
        TextTable w = new TextTable(out(), "WAL SEGMENT", "FIRST SEQNO", "BYTES", "KIND");
        for (DatabaseInventory.Segment s : inv.segments()) {
            w.row(String.valueOf(s.number()), s.header() == null ? "-" : String.valueOf(s.header().firstSeqno()),
                    String.valueOf(s.bytes()), s.header() == null ? "torn at creation (no records)"
                            : s.logOnly() ? "log only" : "data");
        }
        w.finish();
        return ExitCode.OK;
    }

    private static long bytes(ManifestState.FamilyState f) {
        long n = 0;
        for (FileMeta m : f.files()) {
            n += m.fileSize();
        }
        return n;
    }

    private static String compression(TableProperties p) {
        if (p.compression() == TableFormat.TYPE_NONE) {
            return "none";
        }
        return p.dictionaryBytes() > 0 ? "zstd+dictionary" : "zstd";
    }
}
