package io.github.jdbcliveness.bench.stub;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The answer to every stub query: one row, one column labelled {@value #COLUMN_LABEL}, holding the integer 1
 * (readable as int, long, String or Object), forward-only and read-only. Everything else a result set can do is
 * refused with {@link java.sql.SQLFeatureNotSupportedException}.
 */
public final class StubResultSet implements ResultSet {

    /** The label of the only column. */
    public static final String COLUMN_LABEL = "value";

    private static final int VALUE = 1;

    private final StubStatement statement;
    /** 0 before the row, 1 on it, 2 after it. */
    private int position;
    private boolean closed;
    private int fetchSize;

    StubResultSet(StubStatement statement) {
        this.statement = statement;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw Stubs.closed("StubResultSet");
        }
    }

    /** Checks the cursor is on the row and the column exists; the only value there is {@code 1}. */
    private int value(int columnIndex) throws SQLException {
        checkOpen();
        if (position != 1) {
            throw new SQLException("the cursor is not on a row (position " + position + ")", "24000");
        }
        if (columnIndex != 1) {
            throw new SQLException("columnIndex (" + columnIndex + ") must be 1: the stub row has one column",
                    "07009");
        }
        return VALUE;
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (position < 2) {
            position++;
        }
        return position == 1;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            statement.resultClosed();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        if (COLUMN_LABEL.equalsIgnoreCase(columnLabel)) {
            return 1;
        }
        throw new SQLException("columnLabel (" + columnLabel + ") is not " + COLUMN_LABEL
                + ": the stub row has one column", "S0022");
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return value(findColumn(columnLabel));
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return value(findColumn(columnLabel));
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return Integer.toString(value(columnIndex));
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return value(findColumn(columnLabel));
    }

    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return position == 1 ? 1 : 0;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return position == 0;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return position == 2;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return position == 1;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        return position == 1;
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw new SQLException("fetch direction (" + direction + ") must be FETCH_FORWARD: the result is"
                    + " forward-only");
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        this.fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Stubs.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    // --- not modelled ---

    @Deprecated
    @Override
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        throw Stubs.unsupported("getBigDecimal");
    }

    @Deprecated
    @Override
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        throw Stubs.unsupported("getBigDecimal");
    }

    @Deprecated
    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getUnicodeStream");
    }

    @Deprecated
    @Override
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getUnicodeStream");
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getBoolean");
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getByte");
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getShort");
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getFloat");
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getDouble");
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getBytes");
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getDate");
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getTimestamp");
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getAsciiStream");
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getBinaryStream");
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getBoolean");
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getByte");
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getShort");
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getFloat");
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getDouble");
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getBytes");
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getDate");
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getTimestamp");
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getAsciiStream");
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getBinaryStream");
    }

    @Override
    public String getCursorName() throws SQLException {
        throw Stubs.unsupported("getCursorName");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        throw Stubs.unsupported("getMetaData");
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getCharacterStream");
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getCharacterStream");
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getBigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getBigDecimal");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw Stubs.unsupported("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw Stubs.unsupported("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw Stubs.unsupported("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw Stubs.unsupported("last");
    }

    @Override
    public boolean absolute( int row ) throws SQLException {
        throw Stubs.unsupported("absolute");
    }

    @Override
    public boolean relative( int rows ) throws SQLException {
        throw Stubs.unsupported("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw Stubs.unsupported("previous");
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw Stubs.unsupported("rowUpdated");
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw Stubs.unsupported("rowInserted");
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw Stubs.unsupported("rowDeleted");
    }

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        throw Stubs.unsupported("updateNull");
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        throw Stubs.unsupported("updateBoolean");
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        throw Stubs.unsupported("updateByte");
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        throw Stubs.unsupported("updateShort");
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        throw Stubs.unsupported("updateInt");
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        throw Stubs.unsupported("updateLong");
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        throw Stubs.unsupported("updateFloat");
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        throw Stubs.unsupported("updateDouble");
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        throw Stubs.unsupported("updateBigDecimal");
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        throw Stubs.unsupported("updateString");
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        throw Stubs.unsupported("updateBytes");
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        throw Stubs.unsupported("updateDate");
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        throw Stubs.unsupported("updateTime");
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        throw Stubs.unsupported("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, int length) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        throw Stubs.unsupported("updateObject");
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        throw Stubs.unsupported("updateObject");
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        throw Stubs.unsupported("updateNull");
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        throw Stubs.unsupported("updateBoolean");
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        throw Stubs.unsupported("updateByte");
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        throw Stubs.unsupported("updateShort");
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        throw Stubs.unsupported("updateInt");
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        throw Stubs.unsupported("updateLong");
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        throw Stubs.unsupported("updateFloat");
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        throw Stubs.unsupported("updateDouble");
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        throw Stubs.unsupported("updateBigDecimal");
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        throw Stubs.unsupported("updateString");
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        throw Stubs.unsupported("updateBytes");
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        throw Stubs.unsupported("updateDate");
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        throw Stubs.unsupported("updateTime");
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        throw Stubs.unsupported("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, int length) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        throw Stubs.unsupported("updateObject");
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        throw Stubs.unsupported("updateObject");
    }

    @Override
    public void insertRow() throws SQLException {
        throw Stubs.unsupported("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw Stubs.unsupported("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw Stubs.unsupported("deleteRow");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw Stubs.unsupported("refreshRow");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw Stubs.unsupported("cancelRowUpdates");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw Stubs.unsupported("moveToInsertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw Stubs.unsupported("moveToCurrentRow");
    }

    @Override
    public Object getObject(int columnIndex, Map<String,Class<?>> map) throws SQLException {
        throw Stubs.unsupported("getObject");
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getRef");
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getBlob");
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getClob");
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getArray");
    }

    @Override
    public Object getObject(String columnLabel, Map<String,Class<?>> map) throws SQLException {
        throw Stubs.unsupported("getObject");
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getRef");
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getBlob");
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getClob");
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getArray");
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getDate");
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getDate");
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getTime");
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        throw Stubs.unsupported("getTimestamp");
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getURL");
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getURL");
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        throw Stubs.unsupported("updateRef");
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        throw Stubs.unsupported("updateRef");
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        throw Stubs.unsupported("updateArray");
    }

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        throw Stubs.unsupported("updateArray");
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getRowId");
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getRowId");
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        throw Stubs.unsupported("updateRowId");
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        throw Stubs.unsupported("updateRowId");
    }

    @Override
    public void updateNString(int columnIndex, String nString) throws SQLException {
        throw Stubs.unsupported("updateNString");
    }

    @Override
    public void updateNString(String columnLabel, String nString) throws SQLException {
        throw Stubs.unsupported("updateNString");
    }

    @Override
    public void updateNClob(int columnIndex, NClob nClob) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String columnLabel, NClob nClob) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getNClob");
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getNClob");
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getSQLXML");
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getSQLXML");
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML xmlObject) throws SQLException {
        throw Stubs.unsupported("updateSQLXML");
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML xmlObject) throws SQLException {
        throw Stubs.unsupported("updateSQLXML");
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getNString");
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getNString");
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        throw Stubs.unsupported("getNCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        throw Stubs.unsupported("getNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw Stubs.unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream, long length) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream, long length) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw Stubs.unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        throw Stubs.unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        throw Stubs.unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateCharacterStream");
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream) throws SQLException {
        throw Stubs.unsupported("updateBlob");
    }

    @Override
    public void updateClob(int columnIndex, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateClob(String columnLabel, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateClob");
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader) throws SQLException {
        throw Stubs.unsupported("updateNClob");
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        throw Stubs.unsupported("getObject");
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        throw Stubs.unsupported("getObject");
    }
}
